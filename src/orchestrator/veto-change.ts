import { TachikomaError } from '../core/errors.js';
import { type Proposal, type Veto, vetoSchema } from '../protocol/index.js';
import { type CollectiveStore, StoreError } from '../store/index.js';
import { type ChangeEntry, appendChange, readChanges } from '../workspace/change-ledger.js';
import { type SettlementClaim, claimSettlement } from '../workspace/change-settlement.js';
import { runBranches } from '../workspace/instance-worktree.js';

export type VetoErrorCode = 'invalid_input' | 'not_found' | 'settled';

/** A veto refused: bad input, no such change, or a change already settled (merged, rejected, in conflict, vetoed). */
export class VetoError extends TachikomaError<VetoErrorCode> {
  static override readonly kind = 'VetoError';
  constructor(message: string, code: VetoErrorCode) {
    super(code, message);
  }
}

type Committed = Extract<ChangeEntry, { event: 'committed' }>;

/** Why a change already settled cannot be vetoed, in one line. */
function settledMessage(entry: Exclude<ChangeEntry, Committed>, runDirectory: string): string {
  switch (entry.event) {
    case 'merged':
      return `${entry.branch} is already merged into ${runBranches(runDirectory).integration} (${entry.commit.slice(0, 12)}); a veto cannot take a merge back: revert it on the integration branch instead`;
    case 'rejected':
      return `${entry.branch} was already rejected by its vote (${entry.outcome}); it will not be merged`;
    case 'conflict':
      return `${entry.branch} conflicted when merged and was sent back; nothing of it landed`;
    case 'vetoed':
      return `${entry.branch} was already vetoed by ${entry.by}: ${entry.reason}`;
  }
}

/** The message that tells a builder its change was vetoed; the same words every time, so telling twice is one message. */
function vetoNotice(change: Committed, taskTitle: string, veto: Veto): string {
  return `Your change on ${change.branch} for "${taskTitle}" (${change.stat}) was vetoed by ${veto.by}: ${veto.reason}. It will not be merged. Do not resubmit it as it is; ask ${veto.by} if the reason is unclear.`;
}

/**
 * Carries out a veto whose claim is already won: the store records it (closing the merge vote, or overriding its
 * decision), the ledger marks the change vetoed, and its builder is told. Each step is idempotent, so the
 * orchestrator finishes a veto whose process stopped half-way by calling this again.
 */
export async function completeVeto(store: CollectiveStore, runDirectory: string, change: Committed, veto: Veto): Promise<Proposal | null> {
  let proposal: Proposal | null = null;
  try {
    proposal = await store.vetoProposal(change.proposalId, veto);
  } catch (error) {
    // Already vetoed (a second pass), or not opened yet: the orchestrator vetoes it when it closes.
    if (!StoreError.hasCode(error, 'closed') && !StoreError.hasCode(error, 'not_found')) throw error;
    proposal = await store.getProposal(change.proposalId);
  }
  const settled = readChanges(runDirectory).some((entry) => entry.event !== 'committed' && entry.proposalId === change.proposalId);
  if (!settled) appendChange(runDirectory, { event: 'vetoed', at: new Date().toISOString(), branch: change.branch, proposalId: change.proposalId, by: veto.by, reason: veto.reason });
  const task = await store.getTask(change.taskId);
  await store.publish({
    id: `veto_${change.proposalId}`.slice(0, 64), from: veto.by, to: change.instance, type: 'finding', content: vetoNotice(change, task?.title ?? change.taskId, veto).slice(0, 4000),
    metadata: { proposalId: change.proposalId, branch: change.branch, vetoedBy: veto.by },
  });
  return proposal;
}

/** The change committed on `branch` (its latest, should a branch name come back). */
function findChange(ledger: readonly ChangeEntry[], branch: string): Committed {
  const change = ledger.filter((entry): entry is Committed => entry.event === 'committed' && entry.branch === branch).at(-1);
  if (change === undefined) throw new VetoError(`no change on branch ${JSON.stringify(branch.slice(0, 200))}; \`tachikoma changes\` lists the branches`, 'not_found');
  return change;
}

/** Why the claim went to someone else, as a refusal. */
function lostClaim(change: Committed, holder: SettlementClaim | null): VetoError {
  if (holder?.kind === 'veto') return new VetoError(`${change.branch} was already vetoed by ${holder.by}: ${holder.reason}`, 'settled');
  return new VetoError(`${change.branch} is being merged (or was merged) by the orchestrator; a veto cannot take a merge back: revert it on the integration branch instead`, 'settled');
}

/**
 * The human's veto of a change not yet merged (`tachikoma changes --veto` and the dashboard): it is recorded in
 * the store's history with who and why, its merge vote closes as vetoed if still open, the orchestrator never
 * merges it, and its builder is told. A change already merged, rejected, in conflict or vetoed is refused with
 * the reason (`VetoError` 'settled'); an unknown branch → 'not_found'; a missing reason → 'invalid_input'.
 */
export async function vetoChange(store: CollectiveStore, runDirectory: string, request: { branch: string; by: string; reason: string }): Promise<{ change: Committed; proposal: Proposal | null }> {
  const parsed = vetoSchema.safeParse({ by: request.by, reason: request.reason });
  if (!parsed.success) throw new VetoError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'veto'}: ${issue.message}`).join('; '), 'invalid_input');
  const veto = parsed.data;
  const ledger = readChanges(runDirectory);
  const change = findChange(ledger, request.branch);
  const settled = ledger.find((entry): entry is Exclude<ChangeEntry, Committed> => entry.event !== 'committed' && entry.proposalId === change.proposalId);
  if (settled !== undefined) throw new VetoError(settledMessage(settled, runDirectory), 'settled');
  const claim = claimSettlement(runDirectory, change.proposalId, { kind: 'veto', at: new Date().toISOString(), by: veto.by, reason: veto.reason });
  if (!claim.won) throw lostClaim(change, claim.holder);
  return { change, proposal: await completeVeto(store, runDirectory, change, veto) };
}
