import type { HistoryEvent, Vote } from '../../protocol/index.js';
import { type CollectiveView, type SealedVote, type VoteView, type WireEvent, asRecord, isSealed, own } from '../view-model/collective-view.js';

/**
 * Votes are blind until their proposal closes, for the human watching the dashboard too: while it is open only
 * who voted (and so how many) leaves the server, never a choice or a reason. What is open is judged on the live
 * view, so a replay of a moment when a proposal was open shows its votes once it has closed, and never before.
 */

/** Whether a proposal's votes may be shown: only once it is closed now. */
function revealable(live: CollectiveView, proposalId: unknown): boolean {
  return typeof proposalId === 'string' && own(live.proposals, proposalId)?.state === 'closed';
}

/** A vote without its choice and reason. */
export function sealVote(vote: Pick<VoteView, 'proposalId' | 'voter' | 'round' | 'castAt'>): SealedVote {
  return { proposalId: vote.proposalId, voter: vote.voter, round: vote.round, castAt: vote.castAt, sealed: true };
}

/** The view as it may leave the server: the votes of every proposal not closed in `live` are sealed (a copy then; the view itself is left alone). */
export function blindView(view: CollectiveView, live: CollectiveView): CollectiveView {
  let votes: Record<string, VoteView[]> | null = null;
  for (const [proposalId, list] of Object.entries(view.votes)) {
    if (revealable(live, proposalId) || list.every(isSealed)) continue;
    votes ??= { ...view.votes };
    votes[proposalId] = list.map(sealVote);
  }
  return votes === null ? view : { ...view, votes };
}

/**
 * A history event as it may leave the server: a vote on a proposal not closed in `live` is sealed; a proposal
 * event that closed it carries its votes (`revealed`), which went out sealed before.
 */
export function blindEvent(event: HistoryEvent, live: CollectiveView): WireEvent {
  const data = asRecord(event.data);
  if (data === null) return event;
  if (event.kind === 'vote') {
    return revealable(live, data.proposalId) ? event : { ...event, data: { ...sealVote(data as unknown as Vote) } };
  }
  if (event.kind === 'proposal' && data.state === 'closed' && revealable(live, event.entityId)) {
    const revealed = (own(live.votes, event.entityId) ?? []).filter((vote): vote is Vote => !isSealed(vote));
    return { ...event, revealed };
  }
  return event;
}
