import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectiveStore } from '../../src/store/index.js';
import { appendChange } from '../../src/workspace/change-ledger.js';
import { commitChange, ensureInstanceWorktree } from '../../src/workspace/instance-worktree.js';

/**
 * A builder's change as completing its task leaves it, made with the real worktree, ledger and store calls: one file
 * written in the instance's worktree and committed on the change's branch, the ledger line, the task, and the open
 * "merge <branch>?" vote needing `quorum` votes.
 */
export async function seedChange(
  store: CollectiveStore,
  workspace: string,
  runDirectory: string,
  change: { instance: string; taskId: string; file: string; quorum: number },
): Promise<{ branch: string; commit: string; proposalId: string }> {
  const worktree = await ensureInstanceWorktree(workspace, runDirectory, change.instance);
  if (worktree === null) throw new Error(`${workspace} is not a git repository`);
  writeFileSync(join(worktree.root, change.file), `${change.taskId} was here\n`);
  const committed = await commitChange(worktree, runDirectory, change.taskId, `change ${change.taskId}`);
  if (committed === null) throw new Error('nothing was committed');
  await store.createTask({ id: change.taskId, title: `change ${change.taskId}`, createdBy: 'human' });
  const proposalId = `merge_${change.taskId}`;
  appendChange(runDirectory, { event: 'committed', at: new Date().toISOString(), taskId: change.taskId, instance: change.instance, ...committed, proposalId });
  await store.openProposal({
    id: proposalId, title: `merge ${committed.branch}?`, options: ['merge', 'reject'], rule: 'majority', quorum: change.quorum,
    deadline: new Date(Date.now() + 600_000).toISOString(), createdBy: change.instance,
  });
  return { branch: committed.branch, commit: committed.commit, proposalId };
}
