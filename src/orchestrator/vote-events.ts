import { createHash } from 'node:crypto';
import type { Proposal } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';

function eventId(kind: string, proposalId: string, round: number): string {
  return `msg_${kind}_${createHash('sha256').update(`${proposalId}\u0001${round}`).digest('hex').slice(0, 40)}`;
}

function outcomeText(proposal: Proposal): string {
  const outcome = proposal.outcome;
  if (outcome === null) return 'closed';
  const counts = Object.entries(outcome.counts).map(([option, count]) => `${option}: ${count}`).join(', ');
  return `${outcome.winner === null ? outcome.status : `${outcome.winner} (${outcome.status})`}; ${counts}; ${outcome.votesCast} vote(s)`;
}

/**
 * Tells the voters when a vote closes or a debate round opens: one message from the orchestrator, which wakes
 * every instance (see the wake policy). Message ids derive from the proposal and round, so a restarted
 * orchestrator, or two passes over the same change, publish each event once.
 */
export class VoteEvents {
  private readonly published = new Set<string>();

  constructor(private readonly store: CollectiveStore) {}

  /** Publishes the close of each proposal in `closed` not yet told, and a debate round of any open proposal not yet told. */
  async publish(closed: readonly Proposal[]): Promise<number> {
    let count = 0;
    for (const proposal of closed) {
      const content = `vote closed: ${proposal.id} "${proposal.title}" → ${outcomeText(proposal)}. Votes and reasons are readable now (read_votes).`;
      if (await this.once(eventId('closed', proposal.id, 0), content, { event: 'proposal_closed', proposalId: proposal.id, outcome: proposal.outcome })) count += 1;
    }
    for (const proposal of await this.store.listProposals({ state: 'open' })) {
      if (proposal.round < 2) continue;
      const content = `debate round ${proposal.round} of ${proposal.id} "${proposal.title}": the last round was split. Read the earlier votes (read_votes), then vote again (deadline ${proposal.deadline}).`;
      if (await this.once(eventId('round', proposal.id, proposal.round), content, { event: 'debate_round', proposalId: proposal.id, round: proposal.round })) count += 1;
    }
    return count;
  }

  private async once(id: string, content: string, metadata: Record<string, unknown>): Promise<boolean> {
    if (this.published.has(id)) return false;
    if (this.published.size > 10_000) this.published.clear();
    await this.store.publish({ id, from: 'orchestrator', to: 'broadcast', type: 'status', content, metadata: JSON.parse(JSON.stringify(metadata)) as Record<string, never> });
    this.published.add(id);
    return true;
  }
}
