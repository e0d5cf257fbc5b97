import { useEffect, useState } from 'preact/hooks';
import type { NotebookResponse } from '../../view-model/wire.js';
import { api } from '../api.js';
import { shortTime } from '../format.js';

/**
 * An instance's notebook: the summary of its compacted turns, then its recent turns (what prompted each,
 * its calls with their results, its words). Fetched again whenever the instance ends a turn (`iteration`).
 */
export function NotebookView({ id, iteration }: { id: string; iteration: number }) {
  const [notebook, setNotebook] = useState<NotebookResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let closed = false;
    api
      .notebook(id)
      .then((response) => {
        if (!closed) setNotebook(response);
      })
      .catch((reason: unknown) => {
        if (!closed) setError(reason instanceof Error ? reason.message : String(reason));
      });
    return () => {
      closed = true;
    };
  }, [id, iteration]);
  return (
    <details class="notebook" data-testid="instance-notebook" open>
      <summary>
        Notebook{notebook === null ? '' : ` · ${notebook.turns.length} recent turn(s)${notebook.compactedTurns > 0 ? `, ${notebook.compactedTurns} compacted` : ''}`}
      </summary>
      {error !== null && <p class="muted">{error}</p>}
      {notebook !== null && notebook.updatedAt === null && <p class="muted">empty: this instance keeps no notebook yet</p>}
      {notebook !== null && notebook.summary.length > 0 && (
        <ul class="notebook-summary">
          {notebook.summary.map((line, index) => (
            <li key={index}>{line}</li>
          ))}
        </ul>
      )}
      {notebook?.turns.map((turn) => (
        <div key={turn.iteration} class="notebook-turn" data-iteration={turn.iteration}>
          <div class="notebook-cue">
            turn {turn.iteration + 1} · {shortTime(turn.at)} · {turn.cue}
          </div>
          {turn.entries.map((entry, index) =>
            entry.kind === 'text' ? (
              <div key={index} class="notebook-text">
                {entry.text}
              </div>
            ) : (
              <div key={index} class={`notebook-call ${entry.ok ? 'ok' : 'failed'}`} data-tool={entry.tool}>
                <code>
                  {entry.tool}({entry.input})
                </code>
                <pre>{entry.result}</pre>
              </div>
            ),
          )}
        </div>
      ))}
    </details>
  );
}
