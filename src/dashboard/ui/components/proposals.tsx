import { own } from '../../view-model/collective-view.js';
import type { ClientState } from '../client-state.js';
import { shortTime } from '../format.js';
import { useClient } from '../use-client.js';

export function Proposals({ client }: { client: ClientState }) {
  const view = useClient(client).shown;
  const proposals = Object.values(view.proposals).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (proposals.length === 0) return <p class="muted">No proposals yet.</p>;
  return (
    <ul class="proposals" data-testid="proposals">
      {proposals.map((proposal) => {
        const votes = own(view.votes, proposal.id) ?? [];
        const round = votes.filter((vote) => vote.round === proposal.round);
        const counts = new Map<string, number>();
        for (const vote of round) counts.set(vote.option, (counts.get(vote.option) ?? 0) + 1);
        const most = Math.max(1, ...counts.values());
        return (
          <li key={proposal.id} class={`proposal proposal-${proposal.state}`} data-proposal-id={proposal.id}>
            <div class="proposal-title">{proposal.title}</div>
            <div class="muted">
              {proposal.rule} · quorum {proposal.quorum} · round {proposal.round}/{proposal.maxRounds} · by {proposal.createdBy} · {proposal.state === 'open' ? `deadline ${shortTime(proposal.deadline)}` : 'closed'}
            </div>
            <ul class="options">
              {proposal.options.map((option) => (
                <li key={option} class={proposal.outcome?.winner === option ? 'winner' : ''}>
                  <span class="option-name">{option}</span>
                  <span class="bar">
                    <i style={{ width: `${((counts.get(option) ?? 0) / most) * 100}%` }} />
                  </span>
                  <span>{counts.get(option) ?? 0}</span>
                </li>
              ))}
            </ul>
            {proposal.outcome !== null && (
              <div class="outcome">
                {proposal.outcome.status}
                {proposal.outcome.winner === null ? '' : `: ${proposal.outcome.winner}`} ({proposal.outcome.closedBy})
              </div>
            )}
            <ul class="votes">
              {votes.map((vote) => (
                <li key={`${vote.voter}/${vote.round}`}>
                  <b>{vote.voter}</b> → {vote.option}
                  {vote.round > 1 ? ` (round ${vote.round})` : ''}: <span class="reason">{vote.reason}</span>
                </li>
              ))}
            </ul>
          </li>
        );
      })}
    </ul>
  );
}
