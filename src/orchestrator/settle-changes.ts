import type { Proposal } from '../protocol/index.js';
import { type CollectiveStore, StoreError } from '../store/index.js';
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

/**
 * Sends the task whose change conflicted back to the board (reopened, the conflict explained as its result, so the
 * builder that claims it next reads why) and tells its author. A task that cannot be reopened (someone reopened
 * it already) is left as it is; the author is told all the same.
 */
async function sendBack(store: CollectiveStore, proposal: Proposal, branch: string, author: string, taskId: string, conflicts: readonly string[], detail: string): Promise<void> {
  const explained = `Merging ${branch} into the integration branch conflicted in ${conflicts.join(', ') || 'the files git named'}; the merge was aborted and nothing landed. The task is open again: claim it and redo the change on top of the integration branch (a builder's worktree starts from it). git said: ${detail}`.slice(0, 4000);
  const reopened = await store.reopenTask(taskId, explained).then(() => true, (error: unknown) => {
    if (StoreError.isInstance(error) && (error.code === 'conflict' || error.code === 'not_found')) return false;
    throw error;
  });
  await store.publish({
    id: `msg_conflict_${proposal.id}`.slice(0, 64), from: 'orchestrator', to: author, type: 'finding', content: explained,
    metadata: { proposalId: proposal.id, branch, taskId, reopened, conflicts: [...conflicts] },
  });
}

/**
 * Settles every closed "merge <branch>?" vote not yet settled: a change whose vote chose "merge" is merged into the
 * integration branch (in a scratch worktree, never the user's checkout); any other outcome leaves it out. A conflict
 * is aborted, recorded, and its task reopened with the conflict explained. A vetoed change is never merged: the merge
 * first claims the change, and a veto that claimed it first wins. Each proposal is settled once (the ledger remembers).
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
    const result = await mergeIntoIntegration(repository, runDirectory, branch, committed.commit);
    if (result.merged) {
      appendChange(runDirectory, { event: 'merged', at, branch, proposalId: proposal.id, commit: result.commit });
    } else {
      appendChange(runDirectory, { event: 'conflict', at, branch, proposalId: proposal.id, conflicts: result.conflicts, detail: result.detail });
      await sendBack(store, proposal, branch, committed.instance, committed.taskId, result.conflicts, result.detail);
    }
  }
  return pending.length;
}
