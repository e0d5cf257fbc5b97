import type { HistoryEvent, InstanceRecord, MemoryItem, Message, Proposal, Task, Vote } from '../../protocol/index.js';

/**
 * The collective as the dashboard shows it, folded from the ordered history. The same fold runs in the server
 * (live state, replay checkpoints) and in the browser (applying live batches), so a replayed moment and the
 * live view can never disagree. It mutates in place: a 10k-message burst must not allocate 10k views.
 */
export interface CollectiveView {
  /** The last history sequence folded in; 0 before anything happened. */
  seq: number;
  /** When that last change happened. */
  at: string | null;
  instances: Record<string, InstanceRecord>;
  tasks: Record<string, Task>;
  proposals: Record<string, Proposal>;
  /** Votes per proposal id, in the order they were cast; sealed (who and when only) while the proposal is open. */
  votes: Record<string, VoteView[]>;
  leases: Record<string, LeaseView>;
  memory: { count: number; recent: MemoryItem[] };
  messages: { count: number; byType: Record<string, number>; recent: Message[] };
  /** Messages aggregated per (from, to) pair: 10,000 messages are still a handful of edges. */
  edges: Record<string, EdgeView>;
}

/**
 * A vote on a proposal still open, as it leaves the server: who voted, in which round and when, never the choice
 * or the reason (votes are blind until the proposal closes, for the human too).
 */
export interface SealedVote {
  proposalId: string;
  voter: string;
  round: number;
  castAt: string;
  sealed: true;
}

export type VoteView = Vote | SealedVote;

/** Whether a vote is still sealed. */
export function isSealed(vote: VoteView): vote is SealedVote {
  return 'sealed' in vote;
}

/**
 * A history event as the server sends it: a proposal's closing carries the votes it revealed, which went out
 * sealed while it was open (the votes' own events are long folded by then).
 */
export type WireEvent = HistoryEvent & { revealed?: Vote[] };

export interface LeaseView {
  name: string;
  holder: string | null;
  term: number | null;
  expiresAt: string | null;
}

export interface EdgeView {
  from: string;
  to: string;
  count: number;
  byType: Record<string, number>;
  lastAt: string;
}

/** How many recent messages and memories the view carries (the rest is paged from the server). */
export const RECENT_MESSAGES = 120;
export const RECENT_MEMORY = 40;

export function emptyView(): CollectiveView {
  return {
    seq: 0,
    at: null,
    instances: {},
    tasks: {},
    proposals: {},
    votes: {},
    leases: {},
    memory: { count: 0, recent: [] },
    messages: { count: 0, byType: {}, recent: [] },
    edges: {},
  };
}

export function edgeKey(from: string, to: string): string {
  return `${from}\u2192${to}`;
}

/**
 * `record[key]` only when it is the record's own entry: ids come from agents, and one named `constructor` must not
 * read a member of Object.prototype.
 */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function trimFront<T>(list: T[], max: number): void {
  if (list.length > max) list.splice(0, list.length - max);
}

/** `data` as a plain object, or null when it is not one. */
export function asRecord(data: unknown): Record<string, unknown> | null {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
}

function applyMessage(view: CollectiveView, message: Message): void {
  view.messages.count += 1;
  view.messages.byType[message.type] = (own(view.messages.byType, message.type) ?? 0) + 1;
  view.messages.recent.push(message);
  trimFront(view.messages.recent, RECENT_MESSAGES);
  const key = edgeKey(message.from, message.to);
  const edge = own(view.edges, key) ?? { from: message.from, to: message.to, count: 0, byType: {}, lastAt: message.timestamp };
  edge.count += 1;
  edge.byType[message.type] = (own(edge.byType, message.type) ?? 0) + 1;
  edge.lastAt = message.timestamp;
  view.edges[key] = edge;
}

function applyVote(view: CollectiveView, vote: VoteView): void {
  const list = own(view.votes, vote.proposalId) ?? [];
  const same = list.findIndex((cast) => cast.voter === vote.voter && cast.round === vote.round);
  if (same >= 0) list[same] = vote;
  else list.push(vote);
  view.votes[vote.proposalId] = list;
}

const strings = (data: Record<string, unknown>, keys: readonly string[]): boolean => keys.every((key) => typeof data[key] === 'string');
const object = (value: unknown): boolean => asRecord(value) !== null;

/**
 * Whether an event's data has the fields the view and the page read, of the right types: a record of another
 * shape (a store bug, a newer writer) is skipped rather than folded in to break the page later.
 */
function wellFormed(kind: string, data: Record<string, unknown>): boolean {
  switch (kind) {
    case 'message':
      return strings(data, ['id', 'from', 'to', 'type', 'content', 'timestamp']) && object(data.metadata);
    case 'instance':
      return strings(data, ['id', 'role', 'status']) && object(data.metadata) && (data.currentTask === null || typeof data.currentTask === 'string');
    case 'task':
      return strings(data, ['id', 'title', 'state']) && Array.isArray(data.evidence);
    case 'proposal':
      return strings(data, ['id', 'title', 'state', 'rule', 'createdAt']) && Array.isArray(data.options) && typeof data.round === 'number';
    case 'vote':
      return strings(data, ['proposalId', 'voter']) && typeof data.round === 'number' && (typeof data.option === 'string' || data.sealed === true);
    case 'memory':
      return strings(data, ['id', 'content', 'kind', 'author', 'createdAt']) && Array.isArray(data.tags);
    default:
      return true;
  }
}

/** The message a history event carries, when it is a well-formed one. */
export function eventMessage(event: HistoryEvent): Message | null {
  if (event.kind !== 'message') return null;
  const data = asRecord(event.data);
  return data !== null && wellFormed('message', data) ? (data as unknown as Message) : null;
}

/** The votes a proposal's closing revealed, those well formed. */
function applyRevealed(view: CollectiveView, revealed: unknown): void {
  if (!Array.isArray(revealed)) return;
  for (const item of revealed) {
    const vote = asRecord(item);
    if (vote !== null && wellFormed('vote', vote) && typeof vote.option === 'string') applyVote(view, vote as unknown as Vote);
  }
}

/** Folds one history event into the view. Unknown kinds and malformed data are ignored, never thrown. */
export function applyEvent(view: CollectiveView, event: WireEvent): void {
  if (event.seq <= view.seq) return;
  view.seq = event.seq;
  view.at = event.at;
  const data = asRecord(event.data);
  if (data === null || !wellFormed(event.kind, data)) return;
  switch (event.kind) {
    case 'message':
      applyMessage(view, data as unknown as Message);
      return;
    case 'instance':
      view.instances[event.entityId] = data as unknown as InstanceRecord;
      return;
    case 'task':
      view.tasks[event.entityId] = data as unknown as Task;
      return;
    case 'proposal':
      view.proposals[event.entityId] = data as unknown as Proposal;
      applyRevealed(view, event.revealed);
      return;
    case 'vote':
      applyVote(view, data as unknown as VoteView);
      return;
    case 'memory':
      view.memory.count += 1;
      view.memory.recent.push(data as unknown as MemoryItem);
      trimFront(view.memory.recent, RECENT_MEMORY);
      return;
    case 'lease': {
      const released = event.action === 'released';
      view.leases[event.entityId] = {
        name: event.entityId,
        holder: released ? null : typeof data.holder === 'string' ? data.holder : null,
        term: typeof data.term === 'number' ? data.term : null,
        expiresAt: typeof data.expiresAt === 'string' ? data.expiresAt : null,
      };
      return;
    }
    default:
      return;
  }
}

export function applyEvents(view: CollectiveView, events: readonly WireEvent[]): void {
  for (const event of events) applyEvent(view, event);
}

/** A deep copy (views are plain JSON). */
export function cloneView(view: CollectiveView): CollectiveView {
  return structuredClone(view);
}
