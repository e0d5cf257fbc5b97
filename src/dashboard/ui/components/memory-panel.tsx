import { useEffect, useState } from 'preact/hooks';
import type { MemoryItem } from '../../../protocol/index.js';
import { api } from '../api.js';
import type { ClientState } from '../client-state.js';
import { shortTime } from '../format.js';
import { useClient } from '../use-client.js';

function MemoryList({ items }: { items: (MemoryItem & { score?: number })[] }) {
  return (
    <ul class="memory-list">
      {items.map((item) => (
        <li key={item.id} class={`memory memory-${item.kind}`}>
          <div class="memory-meta">
            {item.kind} · {item.author} · importance {item.importance.toFixed(2)} · {shortTime(item.createdAt)}
            {item.tags.length > 0 ? ` · ${item.tags.join(', ')}` : ''}
          </div>
          <div class="memory-content">{item.content}</div>
        </li>
      ))}
    </ul>
  );
}

export function MemoryPanel({ client }: { client: ClientState }) {
  const snapshot = useClient(client);
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<{ items: (MemoryItem & { score?: number })[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const count = snapshot.live.memory.count;

  useEffect(() => {
    if (snapshot.replay !== null) return undefined;
    const timer = window.setTimeout(() => {
      api
        .memory(query)
        .then((response) => {
          setResult(response);
          setError(null);
        })
        .catch((failure: unknown) => setError((failure as Error).message));
    }, 200);
    return () => window.clearTimeout(timer);
  }, [query, query === '' ? count : 0, snapshot.replay === null]);

  if (snapshot.replay !== null) {
    const recent = [...snapshot.shown.memory.recent].reverse();
    return (
      <div class="memory-panel">
        <p class="muted">
          {snapshot.shown.memory.count} memories at this moment; the latest {recent.length}:
        </p>
        <MemoryList items={recent} />
      </div>
    );
  }
  return (
    <div class="memory-panel">
      <input type="search" placeholder="search the collective memory" value={query} data-testid="memory-search" onInput={(event) => setQuery((event.target as HTMLInputElement).value)} />
      {error !== null && <p class="error">{error}</p>}
      <p class="muted">{result === null ? '…' : query === '' ? `${result.total} memories; newest first` : `${result.items.length} best matches of ${result.total}`}</p>
      {result !== null && <MemoryList items={result.items} />}
    </div>
  );
}
