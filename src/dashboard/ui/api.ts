import type { HistoryEvent, Message } from '../../protocol/index.js';
import type { ChangeDiffResponse, ChangesListing, ErrorResponse, HistoryResponse, LogsResponse, MemoryResponse, MessagesResponse, NotebookResponse, SendRequest, StateResponse, VetoRequest, VetoResponse } from '../view-model/wire.js';

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({ error: response.statusText }))) as ErrorResponse;
    throw new Error(body.error);
  }
  return (await response.json()) as T;
}

async function postJson<T extends object>(path: string, request: unknown): Promise<T> {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  const body = (await response.json().catch(() => ({ error: response.statusText }))) as T | ErrorResponse;
  if (!response.ok || 'error' in body) throw new Error('error' in body ? body.error : response.statusText);
  return body;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export const api = {
  state: (at?: number) => getJson<StateResponse>(`/api/state${query({ at })}`),
  history: (after: number, limit: number, untilTime?: string, until?: number) => getJson<HistoryResponse>(`/api/history${query({ after, limit, untilTime, until })}`),
  messages: (params: { at?: number; type?: string; instance?: string; offset: number; limit: number }) => getJson<MessagesResponse>(`/api/messages${query(params)}`),
  message: (id: string) => getJson<Message>(`/api/messages/${encodeURIComponent(id)}`),
  memory: (q: string) => getJson<MemoryResponse>(`/api/memory${query({ q, limit: 60 })}`),
  notebook: (id: string) => getJson<NotebookResponse>(`/api/notebook/${encodeURIComponent(id)}`),
  changeDiff: (branch: string) => getJson<ChangeDiffResponse>(`/api/changes/diff${query({ branch })}`),
  logs: (id: string) => getJson<LogsResponse>(`/api/logs/${encodeURIComponent(id)}${query({ tail: 300 })}`),
  send: (request: SendRequest) => postJson<Message>('/api/send', request),
  veto: (request: VetoRequest) => postJson<VetoResponse>('/api/changes/veto', request),
};

/** The well-formed history events of an SSE batch: anything else in it (or a batch that is not a list) is dropped. */
export function batchEvents(data: string): HistoryEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter((event: unknown): event is HistoryEvent => {
    if (typeof event !== 'object' || event === null) return false;
    const { seq, kind, at, entityId } = event as Record<string, unknown>;
    return typeof seq === 'number' && Number.isSafeInteger(seq) && typeof kind === 'string' && typeof at === 'string' && typeof entityId === 'string';
  });
}

/** A `changes` frame's listing, or null when it is not one (a listing has an integration branch and a list of changes). */
export function changesListing(data: string): ChangesListing | null {
  try {
    const parsed = JSON.parse(data) as Partial<ChangesListing> | null;
    return typeof parsed?.integration === 'string' && Array.isArray(parsed.changes) ? (parsed as ChangesListing) : null;
  } catch {
    return null;
  }
}

export interface EventHandlers {
  onBatch: (events: HistoryEvent[]) => void;
  onChanges: (listing: ChangesListing) => void;
  onStatus: (connected: boolean) => void;
}

/** Live history batches (and each new listing of the run's changes) over SSE; the browser reconnects by itself and resumes with Last-Event-ID. */
export function connectEvents(after: number, { onBatch, onChanges, onStatus }: EventHandlers): () => void {
  const source = new EventSource(`/api/events${query({ after })}`);
  source.addEventListener('batch', (event) => {
    const events = batchEvents((event as MessageEvent<string>).data);
    if (events.length > 0) onBatch(events);
  });
  source.addEventListener('changes', (event) => {
    const listing = changesListing((event as MessageEvent<string>).data);
    if (listing !== null) onChanges(listing);
  });
  source.addEventListener('open', () => onStatus(true));
  source.addEventListener('error', () => onStatus(false));
  return () => source.close();
}
