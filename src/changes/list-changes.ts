import type { CollectiveStore } from '../store/index.js';
import { readChanges } from '../workspace/change-ledger.js';
import { runBranches } from '../workspace/instance-worktree.js';

/** Where a change stands: waiting for its vote, merged into the integration branch, rejected, or in conflict. */
export type MergeState = 'pending' | 'merged' | 'rejected' | 'conflict';

/** One change of a run, as `tachikoma changes` shows it. */
export interface ChangeView {
  taskId: string;
  instance: string;
  branch: string;
  commit: string;
  files: string[];
  stat: string;
  proposalId: string;
  vote: { state: 'open' | 'closed' | 'missing'; outcome: string | null; votes: Array<{ voter: string; option: string; reason: string }> };
  merge: { state: MergeState; commit: string | null; conflicts: string[]; detail: string | null };
}

/** The run's integration branch and every change committed for review, oldest first, with its votes and merge state. */
export async function listChanges(store: CollectiveStore, runDirectory: string): Promise<{ integration: string; changes: ChangeView[] }> {
  const ledger = readChanges(runDirectory);
  const changes: ChangeView[] = [];
  for (const entry of ledger) {
    if (entry.event !== 'committed') continue;
    const settled = ledger.find((other) => other.event !== 'committed' && other.proposalId === entry.proposalId);
    const proposal = await store.getProposal(entry.proposalId);
    const votes = proposal === null ? [] : await store.listVotes(proposal.id);
    changes.push({
      taskId: entry.taskId, instance: entry.instance, branch: entry.branch, commit: entry.commit, files: entry.files, stat: entry.stat, proposalId: entry.proposalId,
      vote: {
        state: proposal === null ? 'missing' : proposal.state,
        outcome: proposal?.outcome === null || proposal?.outcome === undefined ? null : `${proposal.outcome.status}: ${proposal.outcome.winner ?? 'no winner'}`,
        votes: votes.map((vote) => ({ voter: vote.voter, option: vote.option, reason: vote.reason })),
      },
      merge: {
        state: settled === undefined ? 'pending' : (settled.event as MergeState),
        commit: settled?.event === 'merged' ? settled.commit : null,
        conflicts: settled?.event === 'conflict' ? settled.conflicts : [],
        detail: settled?.event === 'conflict' ? settled.detail : settled?.event === 'rejected' ? settled.outcome : null,
      },
    });
  }
  return { integration: runBranches(runDirectory).integration, changes };
}
