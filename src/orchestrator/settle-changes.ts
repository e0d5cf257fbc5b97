import type { Proposal } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';
import { appendChange, readChanges } from '../workspace/change-ledger.js';
import { claimSettlement } from '../workspace/change-settlement.js';
import { gitTopLevel } from '../workspace/git.js';
import { mergeIntoIntegration } from '../workspace/integration-merge.js';
import { completeVeto } from './veto-change.js';

/** The branch a "merge <branch>?" proposal asks about. */
function branchOf(proposal: Proposal): string | null {
  const match = /^merge (tachikoma\/\S+)\?$/.exec(proposal.title);
  return match?.[1] ?? null;
}

/** Sends a change whose merge conflicted back to the board, with the conflict explained, and tells its author. */
async function sendBack(store: CollectiveStore, proposal: Proposal, branch: string, author: string, taskTitle: string, conflicts: readonly string[], detail: string): Promise<void> {
  const explained = `Merging ${branch} into the integration branch conflicted in ${conflicts.join(', ') || 'the files git named'}; the merge was aborted and nothing landed. Redo "${taskTitle}" on top of the integration branch. git said: ${detail}`;
  await store.createTask({ id: `redo_${proposal.id}`.slice(0, 64), title: `redo after conflict: ${taskTitle}`.slice(0, 200), detail: explained.slice(0, 4000), createdBy: 'orchestrator', requiredRole: 'builder' });
  await store.publish({
    id: `msg_conflict_${proposal.id}`.slice(0, 64), from: 'orchestrator', to: author, type: 'finding', content: explained.slice(0, 4000),
    metadata: { proposalId: proposal.id, branch, conflicts: [...conflicts] },
  });
}

/**
 * Settles every closed "merge <branch>?" vote not yet settled: a change whose vote chose "merge" is merged into the
 * integration branch (in a scratch worktree, never the user's checkout); any other outcome leaves it out. A conflict
 * is aborted, recorded and sent back as a new task. A vetoed change is never merged: the merge first claims the
 * change, and a veto that claimed it first wins. Each proposal is settled once (the ledger remembers).
 */
export async function settleChanges(store: CollectiveStore, workspace: string, runDirectory: string): Promise<number> {
  const ledger = readChanges(runDirectory);
  // Most runs change no code: no ledger, no store query.
  if (ledger.length === 0) return 0;
  const settled = new Set(ledger.filter((entry) => entry.event !== 'committed').map((entry) => entry.proposalId));
  const pending = (await store.listProposals({ state: 'closed' })).filter((proposal) => proposal.id.startsWith('merge_') && !settled.has(proposal.id));
  if (pending.length === 0) return 0;
  const repository = await gitTopLevel(workspace);
  if (repository === null) return 0;
  for (const proposal of pending) {
    const branch = branchOf(proposal);
    const committed = ledger.find((entry) => entry.event === 'committed' && entry.proposalId === proposal.id);
    if (branch === null || committed?.event !== 'committed') continue;
    const at = new Date().toISOString();
    const veto = proposal.outcome?.veto;
    if (veto !== undefined) {
      // Vetoed in the store but not in the ledger yet: the vetoing process stopped half-way; finish it.
      await completeVeto(store, runDirectory, committed, veto);
      continue;
    }
    if (proposal.outcome?.winner !== 'merge') {
      appendChange(runDirectory, { event: 'rejected', at, branch, proposalId: proposal.id, outcome: `${proposal.outcome?.status ?? 'closed'}: ${proposal.outcome?.winner ?? 'no winner'}` });
      continue;
    }
    // The merge and a veto claim the change once for all processes: a change the human vetoed is never merged.
    const claim = claimSettlement(runDirectory, proposal.id, { kind: 'merge', at });
    if (!claim.won && claim.holder?.kind !== 'merge') {
      if (claim.holder?.kind === 'veto') await completeVeto(store, runDirectory, committed, { by: claim.holder.by, reason: claim.holder.reason });
      continue;
    }
    const result = await mergeIntoIntegration(repository, runDirectory, branch);
    if (result.merged) {
      appendChange(runDirectory, { event: 'merged', at, branch, proposalId: proposal.id, commit: result.commit });
    } else {
      appendChange(runDirectory, { event: 'conflict', at, branch, proposalId: proposal.id, conflicts: result.conflicts, detail: result.detail });
      const task = await store.getTask(committed.taskId);
      await sendBack(store, proposal, branch, committed.instance, task?.title ?? committed.taskId, result.conflicts, result.detail);
    }
  }
  return pending.length;
}
