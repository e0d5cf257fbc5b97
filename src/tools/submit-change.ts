import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from '../protocol/index.js';
import { StoreError } from '../store/index.js';
import { appendChange } from '../workspace/change-ledger.js';
import { type CommittedChange, type InstanceWorktree, branchChange, commitInWorktree, ensureInstanceWorktree, undoWorktreeCommit, worktreePath } from '../workspace/instance-worktree.js';
import type { ToolEnvironment } from './tool-definition.js';

/** The options of every "merge <branch>?" proposal: the first merges, the second rejects. */
export const MERGE_OPTIONS = ['merge', 'reject'] as const;

/**
 * The proposal that decides a change of a task: one per claim of the task (its `attempts`), so a replayed
 * completion opens nothing twice, and a task sent back after a conflict gets a new vote on its next change.
 */
export function mergeProposalId(taskId: string, attempt = 1): string {
  const suffix = attempt <= 1 ? '' : `_a${attempt}`;
  // Ids hold 64 characters: a long task id is cut, never the attempt that tells two votes apart.
  return `merge_${taskId.slice(0, 64 - 'merge_'.length - suffix.length)}${suffix}`;
}

/** A change put up for review: its branch, commit, diff summary and the vote that decides it. */
export interface SubmittedChange {
  branch: string;
  commit: string;
  stat: string;
  proposalId: string;
}

/** The completion failed after the commit: the commit is taken back and the model told its edits are still there. */
async function completionRefused(worktree: InstanceWorktree, error: unknown): Promise<never> {
  await undoWorktreeCommit(worktree);
  const kept = 'nothing was committed and no merge vote was opened; your edits are still in your worktree: claim the task again, then complete it';
  if (StoreError.isInstance(error)) throw new StoreError(error.code, `${error.message}; ${kept}`);
  throw new Error(`${error instanceof Error ? error.message : String(error)}; ${kept}`);
}

/** Records the change in the run's ledger and opens (once) its "merge <branch>?" vote, announced to everyone. */
async function openMergeVote(env: ToolEnvironment, task: Task, change: CommittedChange, proposalId: string): Promise<void> {
  appendChange(env.runDirectory, { event: 'committed', at: new Date().toISOString(), taskId: task.id, instance: env.self, ...change, proposalId });
  if ((await env.store.getProposal(proposalId)) !== null) return;
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
    // The proposal id is in the words too: it is what a reviewer's vote names.
    content: `merge ${change.branch}? ${task.title} (${change.stat}); review and vote on ${proposalId}`.slice(0, 4000),
    metadata: { proposalId, branch: change.branch, commit: change.commit, options: [...MERGE_OPTIONS] },
  });
}

/**
 * Completes a task (`complete`, the store's completion) and, when this instance has written in its worktree, puts
 * the work up for review: commit, own change branch, ledger entry, "merge <branch>?" vote. The vote opens only once
 * the task is complete: when the completion fails (the claim expired or was taken over), the commit is taken back,
 * the edits stay in the worktree and no vote is left open on a change nobody owns.
 */
export async function completeWithChange(env: ToolEnvironment, task: Task, complete: () => Promise<Task>): Promise<{ task: Task; change: SubmittedChange | null }> {
  const worktree = existsSync(join(worktreePath(env.runDirectory, env.self), '.git')) ? await ensureInstanceWorktree(env.workspace, env.runDirectory, env.self) : null;
  const made = worktree === null ? null : await commitInWorktree(worktree, `${task.title}\n\nTask ${task.id}, by ${env.self}.`);
  if (worktree === null || made === null) return { task: await complete(), change: null };
  const completed = await complete().catch((error: unknown) => completionRefused(worktree, error));
  const change = await branchChange(worktree, env.runDirectory, task.id, made);
  const proposalId = mergeProposalId(task.id, completed.attempts);
  await openMergeVote(env, completed, change, proposalId);
  return { task: completed, change: { branch: change.branch, commit: change.commit, stat: change.stat, proposalId } };
}
