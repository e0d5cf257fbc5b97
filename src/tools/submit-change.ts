import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appendChange } from '../workspace/change-ledger.js';
import { commitChange, ensureInstanceWorktree, worktreePath } from '../workspace/instance-worktree.js';
import type { ToolEnvironment } from './tool-definition.js';

/** The options of every "merge <branch>?" proposal: the first merges, the second rejects. */
export const MERGE_OPTIONS = ['merge', 'reject'] as const;

/** The proposal that decides a task's change: one per task, so a replayed completion opens nothing twice. */
export function mergeProposalId(taskId: string): string {
  return `merge_${taskId}`.slice(0, 64);
}

/**
 * When this instance has written in its worktree: commits the change on its own branch, records it in the run's
 * change ledger and opens the "merge <branch>?" vote. Null when the instance wrote nothing.
 */
export async function submitChange(env: ToolEnvironment, task: { id: string; title: string }): Promise<{ branch: string; commit: string; stat: string; proposalId: string } | null> {
  if (!existsSync(join(worktreePath(env.runDirectory, env.self), '.git'))) return null;
  const worktree = await ensureInstanceWorktree(env.workspace, env.runDirectory, env.self);
  if (worktree === null) return null;
  const change = await commitChange(worktree, env.runDirectory, task.id, `${task.title}\n\nTask ${task.id}, by ${env.self}.`);
  if (change === null) return null;
  const proposalId = mergeProposalId(task.id);
  appendChange(env.runDirectory, { event: 'committed', at: new Date().toISOString(), taskId: task.id, instance: env.self, ...change, proposalId });
  if ((await env.store.getProposal(proposalId)) === null) {
    await env.store.openProposal({
      id: proposalId,
      title: `merge ${change.branch}?`,
      detail: `${task.title} (${change.stat}): ${change.files.join(', ')}. Read it with \`git diff ${change.commit}~1 ${change.commit}\` and run the checks before voting.`.slice(0, 4000),
      options: [...MERGE_OPTIONS],
      rule: 'majority',
      quorum: env.changes?.reviewQuorum ?? 1,
      maxRounds: 1,
      deadline: new Date(Date.now() + 10 * 60_000).toISOString(),
      createdBy: env.self,
    });
    await env.store.publish({
      id: env.nextMessageId(), from: env.self, to: 'broadcast', type: 'proposal',
      content: `merge ${change.branch}? ${task.title} (${change.stat})`.slice(0, 4000),
      metadata: { proposalId, branch: change.branch, commit: change.commit, options: [...MERGE_OPTIONS] },
    });
  }
  return { branch: change.branch, commit: change.commit, stat: change.stat, proposalId };
}
