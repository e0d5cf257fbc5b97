import type { Outcome, Proposal, Vote } from '../protocol/index.js';

/** The vote that counts for each voter in `round`: their latest vote cast in that round or before it. */
export function countingVotes(votes: readonly Vote[], round: number): Vote[] {
  const latest = new Map<string, Vote>();
  for (const vote of votes) {
    if (vote.round > round) continue;
    const seen = latest.get(vote.voter);
    if (seen === undefined || vote.round > seen.round) latest.set(vote.voter, vote);
  }
  return [...latest.values()];
}

/** Votes per option (every option present, zero when unvoted). */
export function countVotes(options: readonly string[], votes: readonly Vote[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(options.map((option) => [option, 0]));
  for (const vote of votes) counts[vote.option] = (counts[vote.option] ?? 0) + 1;
  return counts;
}

/**
 * Applies the proposal's rule to the counting votes. Below quorum → `no_quorum`; two options sharing the top
 * count → `tie`; a top option that does not meet the rule (more than half, two thirds, or all votes cast) → `split`.
 */
export function decideOutcome(
  proposal: Pick<Proposal, 'options' | 'rule' | 'quorum'>,
  votes: readonly Vote[],
  closedBy: Outcome['closedBy'],
  closedAt: string,
): Outcome {
  const counts = countVotes(proposal.options, votes);
  const votesCast = votes.length;
  const base = { counts, votesCast, closedBy, closedAt };
  if (votesCast < proposal.quorum) return { status: 'no_quorum', winner: null, ...base };
  const ranked = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const [top, second] = ranked;
  if (top === undefined) return { status: 'no_quorum', winner: null, ...base };
  if (second !== undefined && second[1] === top[1]) return { status: 'tie', winner: null, ...base };
  const meetsRule =
    proposal.rule === 'majority'
      ? top[1] * 2 > votesCast
      : proposal.rule === 'supermajority'
        ? top[1] * 3 >= votesCast * 2
        : top[1] === votesCast;
  return meetsRule ? { status: 'decided', winner: top[0], ...base } : { status: 'split', winner: null, ...base };
}

/** Whether a proposal in `round` should now close, open a debate round, or stay open. */
export function nextStep(
  proposal: Pick<Proposal, 'options' | 'rule' | 'quorum' | 'round' | 'maxRounds' | 'deadline'>,
  votes: readonly Vote[],
  now: number,
): 'close_quorum' | 'close_deadline' | 'debate' | 'wait' {
  const roundVotes = votes.filter((vote) => vote.round === proposal.round).length;
  const pastDeadline = now >= Date.parse(proposal.deadline);
  const quorumMet = roundVotes >= proposal.quorum;
  if (!quorumMet) return pastDeadline ? 'close_deadline' : 'wait';
  const outcome = decideOutcome(proposal, countingVotes(votes, proposal.round), 'quorum', new Date(now).toISOString());
  if (outcome.status === 'decided') return 'close_quorum';
  if (proposal.round < proposal.maxRounds && !pastDeadline) return 'debate';
  return 'close_quorum';
}
