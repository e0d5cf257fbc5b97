import type { z } from 'zod';
import type { Proposal, Veto, Vote, newProposalSchema, newVoteSchema } from '../../protocol/index.js';
import type { Tally } from '../collective-store.js';
import { newId } from '../new-id.js';
import { countVotes, countingVotes, decideOutcome, nextStep } from '../proposal-outcome.js';
import { StoreError } from '../store-error.js';

/** The backend-independent proposal rules: what opening, voting, advancing and closing check and write. */

/** A proposal change ready to write: the new record and the history action that names it. */
export interface ProposalChange {
  proposal: Proposal;
  action: string;
}

function isoAt(clock: () => number): string {
  return new Date(clock()).toISOString();
}

/** Refuses a deadline already past. */
export function requireFutureDeadline(parsed: z.output<typeof newProposalSchema>, now: number): void {
  if (Date.parse(parsed.deadline) <= now) {
    throw new StoreError('invalid_input', `proposal deadline ${parsed.deadline} is already past`);
  }
}

/** A new proposal in round 1 from validated input; `clock` names it (when no id is given) and dates it. */
export function newProposal(parsed: z.output<typeof newProposalSchema>, clock: () => number): Proposal {
  return {
    id: parsed.id ?? newId('prop', clock()),
    kind: parsed.kind ?? 'decision',
    title: parsed.title,
    detail: parsed.detail ?? '',
    options: parsed.options,
    rule: parsed.rule,
    quorum: parsed.quorum,
    deadline: parsed.deadline,
    round: 1,
    maxRounds: parsed.maxRounds ?? 1,
    createdBy: parsed.createdBy,
    createdAt: isoAt(clock),
    state: 'open',
    outcome: null,
  };
}

/**
 * What an open proposal's votes and the clock call for: a debate round, closing, or nothing (undefined).
 * `votes` is every vote on it; `clock` is read for the step and, when closing, for the closing time.
 */
export function advanceChange(proposal: Proposal, votes: readonly Vote[], clock: () => number): ProposalChange | undefined {
  const step = nextStep(proposal, votes, clock());
  if (step === 'wait') return undefined;
  if (step === 'debate') return { proposal: { ...proposal, round: proposal.round + 1 }, action: 'debate_round' };
  const closedBy = step === 'close_quorum' ? 'quorum' : 'deadline';
  const outcome = decideOutcome(proposal, countingVotes(votes, proposal.round), closedBy, isoAt(clock));
  return { proposal: { ...proposal, state: 'closed', outcome }, action: 'closed' };
}

/** The vote to record on an (already advanced) proposal; a closed proposal, another round or an unknown option is refused. */
export function newVote(proposal: Proposal, parsed: z.output<typeof newVoteSchema>, castAt: () => string): Vote {
  if (proposal.state !== 'open') throw new StoreError('closed', `proposal ${proposal.id} is closed; no more votes`);
  const round = parsed.round ?? proposal.round;
  if (round !== proposal.round) {
    throw new StoreError('invalid_input', `proposal ${proposal.id} is in round ${proposal.round}, not ${round}`);
  }
  if (!proposal.options.includes(parsed.option)) {
    throw new StoreError('invalid_input', `${JSON.stringify(parsed.option)} is not an option of proposal ${proposal.id}; options: ${proposal.options.join(' | ')}`);
  }
  return { ...parsed, round, castAt: castAt() };
}

/** The `already_voted` error for a second vote by one voter in one round. */
export function alreadyVoted(vote: Vote): StoreError {
  return new StoreError('already_voted', `${vote.voter} already voted on ${vote.proposalId} in round ${vote.round}; one vote per voter per round`);
}

/** The history key of a vote. */
export function voteKey(proposalId: string, voter: string, round: number): string {
  return `${proposalId}/${voter}/${round}`;
}

/** Refuses a manual close of a closed proposal, or a tie-break winner that is not one of its options. */
export function requireClosable(proposal: Proposal, winner: string | undefined): void {
  if (proposal.state !== 'open') throw new StoreError('closed', `proposal ${proposal.id} is already closed`);
  if (winner !== undefined && !proposal.options.includes(winner)) {
    throw new StoreError('invalid_input', `${JSON.stringify(winner)} is not an option of proposal ${proposal.id}`);
  }
}

/** The proposal closed now by hand; `winner` settles it as a tie-break. `votes` is every vote on it. */
export function closedByHand(proposal: Proposal, votes: readonly Vote[], winner: string | undefined, closedAt: string): Proposal {
  const decided = decideOutcome(proposal, countingVotes(votes, proposal.round), winner === undefined ? 'manual' : 'tie_break', closedAt);
  const outcome = winner === undefined ? decided : { ...decided, status: 'decided' as const, winner };
  return { ...proposal, state: 'closed', outcome };
}

/**
 * The proposal vetoed now: an open one closes, a closed one's decision is overridden; either way its outcome is
 * `vetoed`, without a winner, naming who vetoed it and why, and keeping the counts its votes had. A second veto is
 * refused (`closed`). `votes` is every vote on it.
 */
export function vetoedProposal(proposal: Proposal, votes: readonly Vote[], veto: Veto, closedAt: string): Proposal {
  const earlier = proposal.outcome;
  if (earlier?.status === 'vetoed') {
    throw new StoreError('closed', `proposal ${proposal.id} was already vetoed by ${earlier.veto?.by ?? 'someone'}`);
  }
  const counted = earlier ?? decideOutcome(proposal, countingVotes(votes, proposal.round), 'veto', closedAt);
  return {
    ...proposal,
    state: 'closed',
    outcome: { status: 'vetoed', winner: null, counts: counted.counts, votesCast: counted.votesCast, closedBy: 'veto', closedAt, veto },
  };
}

/** Counts of the current round (each voter's latest vote up to it). */
export function tallyOf(proposal: Proposal, votes: readonly Vote[]): Tally {
  const counting = countingVotes(votes, proposal.round);
  return { proposalId: proposal.id, round: proposal.round, counts: countVotes(proposal.options, counting), votesCast: counting.length };
}
