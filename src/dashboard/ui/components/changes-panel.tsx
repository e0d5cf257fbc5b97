import { useState } from 'preact/hooks';
import type { ChangeView, MergeState } from '../../../orchestrator/list-changes.js';
import { api } from '../api.js';
import type { ClientState } from '../client-state.js';
import { useClient } from '../use-client.js';

/** How each merge state reads on the page. */
const STATE_LABELS: Record<MergeState, string> = {
  pending: 'pending',
  in_review: 'in review',
  accepted: 'accepted',
  rejected: 'rejected',
  merged: 'merged',
  conflict: 'conflict',
  vetoed: 'vetoed',
};

/** The diff of one change, fetched the first time it is opened. */
function ChangeDiffBox({ change }: { change: ChangeView }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (event: Event): void => {
    if (!(event.currentTarget as HTMLDetailsElement).open || text !== null) return;
    api.changeDiff(change.branch).then(
      (diff) => setText(diff.truncated ? `${diff.diff}\n… (cut: the whole diff is in git show ${diff.commit})` : diff.diff),
      (failure: unknown) => setError((failure as Error).message),
    );
  };
  return (
    <details class="change-diff" data-testid="change-diff" onToggle={load}>
      <summary>diff</summary>
      {error !== null && <p class="error">{error}</p>}
      {text === null && error === null ? <p class="muted">loading…</p> : <pre class="diff-text">{text}</pre>}
    </details>
  );
}

/** The reviewers' verdicts: blind (who voted, no choice or reason) while the vote is open. */
function Reviews({ change }: { change: ChangeView }) {
  const { votes } = change.vote;
  if (votes.length === 0) return <div class="muted">no review yet</div>;
  return (
    <ul class="votes change-reviews">
      {votes.map((vote) => (
        <li key={vote.voter} data-voter={vote.voter}>
          <b>{vote.voter}</b> → {vote.option === null ? <span class="muted">voted (shown when the vote closes)</span> : <>{vote.option}: <span class="reason">{vote.reason}</span></>}
        </li>
      ))}
    </ul>
  );
}

/** States in which a change may still be vetoed: it has not been merged, and nothing else has kept it out. */
const VETOABLE: ReadonlySet<MergeState> = new Set(['pending', 'in_review', 'accepted']);

/** The human's veto: a reason, then the button; the row turns vetoed when the listing comes back. */
function VetoBox({ change }: { change: ChangeView }) {
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const veto = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (reason.trim() === '' || sending) return;
    setSending(true);
    setError(null);
    try {
      await api.veto({ branch: change.branch, reason });
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setSending(false);
    }
  };
  return (
    <form class="change-veto" onSubmit={(event) => void veto(event)}>
      <input data-testid="change-veto-reason" type="text" maxLength={4000} placeholder="why veto this change?" value={reason} onInput={(event) => setReason((event.target as HTMLInputElement).value)} />
      <button data-testid="change-veto" type="submit" disabled={sending || reason.trim() === ''}>
        veto
      </button>
      {error !== null && <p class="error" data-testid="change-veto-error">{error}</p>}
    </form>
  );
}

function ChangeRow({ change }: { change: ChangeView }) {
  const { vote, merge } = change;
  return (
    <li class={`change change-${merge.state}`} data-testid="change-row" data-branch={change.branch} data-state={merge.state}>
      <div class="change-head">
        <span class="change-state" data-testid="change-state">
          {STATE_LABELS[merge.state]}
        </span>
        <code class="change-branch">{change.branch}</code>
      </div>
      <div class="task-meta">
        by {change.instance} · task {change.taskId} · {change.stat || 'no diff stat'} · {change.files.join(', ')}
      </div>
      <div class="task-meta" data-testid="change-vote">
        vote {vote.state}
        {vote.outcome === null ? '' : ` (${vote.outcome})`} · {vote.votes.length} voted
      </div>
      <Reviews change={change} />
      {merge.detail !== null && <div class="task-meta">{merge.detail}</div>}
      {merge.conflicts.length > 0 && <div class="task-meta">conflict in {merge.conflicts.join(', ')}</div>}
      <ChangeDiffBox change={change} />
      {VETOABLE.has(merge.state) && <VetoBox change={change} />}
    </li>
  );
}

/** Every change the builders committed for review: its branch, diff, reviews, vote and merge state. */
export function ChangesPanel({ client }: { client: ClientState }) {
  const listing = useClient(client).changes;
  return (
    <div class="changes-panel" data-testid="changes-panel">
      {listing === null ? (
        <p class="muted">loading…</p>
      ) : (
        <>
          <div class="muted">
            integration branch <code>{listing.integration}</code>
          </div>
          {listing.changes.length === 0 && <p class="muted">No change committed for review yet.</p>}
          <ul class="changes">
            {listing.changes
              .slice()
              .reverse()
              .map((change) => (
                <ChangeRow key={`${change.proposalId}/${change.commit}`} change={change} />
              ))}
          </ul>
        </>
      )}
    </div>
  );
}
