import type { Proposal, Vote } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';
import { type ChangeEntry, readChanges } from '../workspace/change-ledger.js';
import { runBranches } from '../workspace/instance-worktree.js';

/**
 * Where a change stands. `pending`: committed, no vote found yet; `in_review`: its vote is open; `accepted`: the
 * vote chose "merge" and the orchestrator has not merged it yet; then `merged`, `rejected` (by vote), `conflict`
 * (the merge conflicted and was sent back) or `vetoed` (by the human).
 */
export type MergeState = 'pending' | 'in_review' | 'accepted' | 'rejected' | 'merged' | 'conflict' | 'vetoed';

/** A reviewer's vote on a change. While the vote is open it is blind: who voted shows, the choice and reason do not (null). */
export interface ChangeVote {
  voter: string;
  option: string | null;
  reason: string | null;
}

/** One change of a run, as `tachikoma changes` and the dashboard show it. */
export interface ChangeView {
  taskId: string;
  instance: string;
  branch: string;
  commit: string;
  files: string[];
  stat: string;
  proposalId: string;
  vote: { state: 'open' | 'closed' | 'missing'; outcome: string | null; votes: ChangeVote[] };
  merge: { state: MergeState; commit: string | null; conflicts: string[]; detail: string | null };
}

/** The run's integration branch and its changes, oldest first. */
export interface ChangesListing {
  integration: string;
  changes: ChangeView[];
}

type Committed = Extract<ChangeEntry, { event: 'committed' }>;
type Settled = Exclude<ChangeEntry, Committed>;

/** How a closed proposal ended, in one phrase ("decided: merge", "vetoed by human: reason"). */
function outcomeText(proposal: Proposal | null): string | null {
  const outcome = proposal?.outcome;
  if (outcome === null || outcome === undefined) return null;
  return `${outcome.status}: ${outcome.winner ?? 'no winner'}`;
}

/** The votes as they may be shown: blind while the proposal is open. */
function shownVotes(proposal: Proposal | null, votes: readonly Vote[]): ChangeVote[] {
  const open = proposal?.state === 'open';
  return votes.map((vote) => ({ voter: vote.voter, option: open ? null : vote.option, reason: open ? null : vote.reason }));
}

/** A veto in one phrase. */
function vetoDetail(by: string, reason: string): string {
  return `vetoed by ${by}: ${reason}`;
}

/** The state of a change not settled in the ledger yet, from its proposal. */
function unsettledState(proposal: Proposal | null): MergeState {
  if (proposal === null) return 'pending';
  if (proposal.state === 'open') return 'in_review';
  if (proposal.outcome?.status === 'vetoed') return 'vetoed';
  return proposal.outcome?.winner === 'merge' ? 'accepted' : 'rejected';
}

/** The merge part of a change's view: the ledger's settlement when there is one, else what its proposal says. */
function mergeView(settled: Settled | undefined, proposal: Proposal | null): ChangeView['merge'] {
  if (settled === undefined) {
    const veto = proposal?.outcome?.veto;
    return { state: unsettledState(proposal), commit: null, conflicts: [], detail: veto === undefined ? null : vetoDetail(veto.by, veto.reason) };
  }
  switch (settled.event) {
    case 'merged':
      return { state: 'merged', commit: settled.commit, conflicts: [], detail: null };
    case 'conflict':
      return { state: 'conflict', commit: null, conflicts: settled.conflicts, detail: settled.detail };
    case 'rejected':
      return { state: 'rejected', commit: null, conflicts: [], detail: settled.outcome };
    case 'vetoed':
      return { state: 'vetoed', commit: null, conflicts: [], detail: vetoDetail(settled.by, settled.reason) };
  }
}

/** One change with its vote and merge state. */
async function changeView(store: CollectiveStore, entry: Committed, settled: Settled | undefined): Promise<ChangeView> {
  const proposal = await store.getProposal(entry.proposalId);
  const votes = proposal === null ? [] : await store.listVotes(proposal.id);
  return {
    taskId: entry.taskId, instance: entry.instance, branch: entry.branch, commit: entry.commit, files: entry.files, stat: entry.stat, proposalId: entry.proposalId,
    vote: { state: proposal === null ? 'missing' : proposal.state, outcome: outcomeText(proposal), votes: shownVotes(proposal, votes) },
    merge: mergeView(settled, proposal),
  };
}

/** The run's integration branch and every change committed for review, oldest first, with its votes and merge state. */
export async function listChanges(store: CollectiveStore, runDirectory: string): Promise<ChangesListing> {
  const ledger = readChanges(runDirectory);
  const changes: ChangeView[] = [];
  for (const entry of ledger) {
    if (entry.event !== 'committed') continue;
    const settled = ledger.find((other): other is Settled => other.event !== 'committed' && other.proposalId === entry.proposalId);
    changes.push(await changeView(store, entry, settled));
  }
  return { integration: runBranches(runDirectory).integration, changes };
}
