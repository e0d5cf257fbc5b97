import type { Proposal } from '../../../protocol/index.js';
import { type VoteView, isSealed, own } from '../../view-model/collective-view.js';
import type { ClientState } from '../client-state.js';
import { shortTime } from '../format.js';
import { useClient } from '../use-client.js';

/** The options with their counts and bars: shown once the proposal is closed (its votes are blind before). */
function OptionCounts({ proposal, votes }: { proposal: Proposal; votes: readonly VoteView[] }) {
  const counts = new Map<string, number>();
  for (const vote of votes) if (vote.round === proposal.round && !isSealed(vote)) counts.set(vote.option, (counts.get(vote.option) ?? 0) + 1);
  const most = Math.max(1, ...counts.values());
  const open = proposal.state === 'open';
  return (
    <ul class="options">
      {proposal.options.map((option) => (
        <li key={option} class={proposal.outcome?.winner === option ? 'winner' : ''}>
          <span class="option-name">{option}</span>
          {!open && (
            <>
              <span class="bar">
                <i style={{ width: `${((counts.get(option) ?? 0) / most) * 100}%` }} />
              </span>
              <span>{counts.get(option) ?? 0}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Who voted, and (once the proposal closed) for what and why. */
function VoteList({ votes }: { votes: readonly VoteView[] }) {
  return (
    <ul class="votes">
      {votes.map((vote) => (
        <li key={`${vote.voter}/${vote.round}`} data-voter={vote.voter} data-sealed={isSealed(vote) ? 'true' : 'false'}>
          <b>{vote.voter}</b>
          {isSealed(vote) ? (
            <span class="muted"> voted{vote.round > 1 ? ` (round ${vote.round})` : ''}</span>
          ) : (
            <>
              {' '}
              → {vote.option}
              {vote.round > 1 ? ` (round ${vote.round})` : ''}: <span class="reason">{vote.reason}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

export function Proposals({ client }: { client: ClientState }) {
  const view = useClient(client).shown;
  const proposals = Object.values(view.proposals).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (proposals.length === 0) return <p class="muted">No proposals yet.</p>;
  return (
    <ul class="proposals" data-testid="proposals">
      {proposals.map((proposal) => {
        const votes = own(view.votes, proposal.id) ?? [];
        const voted = votes.filter((vote) => vote.round === proposal.round).length;
        return (
          <li key={proposal.id} class={`proposal proposal-${proposal.state}`} data-proposal-id={proposal.id}>
            <div class="proposal-title">{proposal.title}</div>
            <div class="muted">
              {proposal.rule} · quorum {proposal.quorum} · round {proposal.round}/{proposal.maxRounds} · by {proposal.createdBy} · {proposal.state === 'open' ? `deadline ${shortTime(proposal.deadline)}` : 'closed'}
            </div>
            {proposal.state === 'open' && (
              <div class="muted" data-testid="vote-count">
                {voted} voted; choices and reasons show when the vote closes
              </div>
            )}
            <OptionCounts proposal={proposal} votes={votes} />
            {proposal.outcome !== null && (
              <div class="outcome">
                {proposal.outcome.status}
                {proposal.outcome.winner === null ? '' : `: ${proposal.outcome.winner}`} ({proposal.outcome.closedBy})
                {proposal.outcome.veto === undefined ? '' : ` by ${proposal.outcome.veto.by}: ${proposal.outcome.veto.reason}`}
              </div>
            )}
            <VoteList votes={votes} />
          </li>
        );
      })}
    </ul>
  );
}
