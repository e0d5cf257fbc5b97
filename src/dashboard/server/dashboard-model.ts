import type { HistoryEvent, Message } from '../../protocol/index.js';
import type { CollectiveStore } from '../../store/index.js';
import { type CollectiveView, type WireEvent, applyEvent, cloneView, emptyView, eventMessage } from '../view-model/collective-view.js';
import { WIRE_CONTENT_CHARS } from '../view-model/wire.js';
import { blindEvent, blindView } from './blind-votes.js';

export interface DashboardModelOptions {
  /** How often new history is pushed to listeners, batched (ms). */
  batchMs?: number;
  /** A snapshot of the view is kept every this many events, so a replay folds at most that many. */
  checkpointEvery?: number;
  /** Largest batch handed to a listener at once; bigger bursts are split. */
  maxBatch?: number;
  /** Reported when following the history fails (the model keeps retrying). */
  onError?: (error: unknown) => void;
}

export interface MessageFilter {
  /** Only messages that existed at this history sequence. */
  at?: number;
  type?: string;
  /** Messages from or to this participant. */
  participant?: string;
  offset: number;
  limit: number;
}

export type BatchListener = (events: WireEvent[]) => void;

interface MessageEntry {
  historySeq: number;
  message: Message;
}

/** A message as sent over the wire: very long content is cut (the whole text is one request away). */
export function wireMessage(message: Message): Message {
  if (message.content.length <= WIRE_CONTENT_CHARS) return message;
  return { ...message, content: `${message.content.slice(0, WIRE_CONTENT_CHARS)}…`, metadata: { ...message.metadata, truncated: message.content.length } };
}

export function wireEvent(event: HistoryEvent): HistoryEvent {
  if (event.kind !== 'message' || event.data === null) return event;
  return { ...event, data: wireMessage(event.data as unknown as Message) };
}

/**
 * The dashboard's memory of a run: the whole ordered history (read once, then followed), the live view folded
 * from it, checkpoints for replay, and a message index for the timeline. Listeners get new events in batches
 * every `batchMs`, never one write at a time.
 */
export class DashboardModel {
  readonly view: CollectiveView = emptyView();
  private readonly events: HistoryEvent[] = [];
  private readonly messages: MessageEntry[] = [];
  private readonly checkpoints: CollectiveView[] = [];
  private readonly listeners = new Set<BatchListener>();
  private pending: HistoryEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private readonly abort = new AbortController();
  private following: Promise<void> | undefined;
  private readonly batchMs: number;
  private readonly checkpointEvery: number;
  private readonly maxBatch: number;

  constructor(
    private readonly store: CollectiveStore,
    private readonly options: DashboardModelOptions = {},
  ) {
    this.batchMs = options.batchMs ?? 60;
    this.checkpointEvery = options.checkpointEvery ?? 2000;
    this.maxBatch = options.maxBatch ?? 400;
  }

  /** Reads the whole history so far, then follows it. Resolves once the past is loaded. */
  async start(): Promise<void> {
    for (;;) {
      const page = await this.store.readHistory({ after: this.view.seq, limit: 5000 });
      for (const event of page) this.ingest(event);
      if (page.length < 5000) break;
    }
    this.following = this.follow();
  }

  private async follow(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        for await (const event of this.store.followHistory({ after: this.view.seq, signal, batchSize: 1000 })) {
          this.ingest(event);
          this.pending.push(event);
          this.schedule();
        }
      } catch (error) {
        if (signal.aborted) return;
        this.options.onError?.(error);
        await new Promise((done) => setTimeout(done, 500));
      }
    }
  }

  private ingest(event: HistoryEvent): void {
    if (event.seq <= this.view.seq) return;
    this.events.push(event);
    const message = eventMessage(event);
    if (message !== null) this.messages.push({ historySeq: event.seq, message });
    applyEvent(this.view, event);
    if (this.events.length % this.checkpointEvery === 0) this.checkpoints.push(cloneView(this.view));
  }

  /**
   * Leading-edge batching: after a quiet spell the first change goes out at once (with whatever arrived in the
   * same read), then at most one batch per `batchMs` while changes keep coming.
   */
  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + this.batchMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    this.lastFlush = Date.now();
    const batch = this.pending;
    this.pending = [];
    for (let start = 0; start < batch.length; start += this.maxBatch) {
      const slice = batch.slice(start, start + this.maxBatch).map((event) => this.forWire(event));
      for (const listener of this.listeners) listener(slice);
    }
  }

  /** An event as it leaves the server: long content cut, votes blind while their proposal is open. */
  private forWire(event: HistoryEvent): WireEvent {
    return blindEvent(wireEvent(event), this.view);
  }

  /** The view to send for moment `at` (live when absent), votes blind while their proposal is open. */
  shownView(at?: number): CollectiveView {
    return blindView(at === undefined ? this.view : this.viewAt(at), this.view);
  }

  /** Called with every new batch of events (already cut for the wire); returns the unsubscribe. */
  subscribe(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get liveSeq(): number {
    return this.view.seq;
  }

  get startedAt(): string | null {
    return this.events[0]?.at ?? null;
  }

  /** Index of the first event with `seq > after` (history sequences are strictly increasing). */
  private indexAfter(after: number): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.events[middle]?.seq ?? Infinity) <= after) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The collective as it was right after history event `at` (the live view when `at` is at or past the end). */
  viewAt(at: number): CollectiveView {
    if (at >= this.view.seq) return this.view;
    let base: CollectiveView | undefined;
    for (let index = this.checkpoints.length - 1; index >= 0; index -= 1) {
      const checkpoint = this.checkpoints[index];
      if (checkpoint !== undefined && checkpoint.seq <= at) {
        base = checkpoint;
        break;
      }
    }
    const view = base === undefined ? emptyView() : cloneView(base);
    for (let index = this.indexAfter(view.seq); index < this.events.length; index += 1) {
      const event = this.events[index];
      if (event === undefined || event.seq > at) break;
      applyEvent(view, event);
    }
    return view;
  }

  /** Events after `after`, up to `until` (a sequence) and/or `untilTime` (an ISO time), at most `limit`. */
  history(after: number, limit: number, until?: number, untilTime?: string): { events: WireEvent[]; more: boolean } {
    const events: WireEvent[] = [];
    let index = this.indexAfter(after);
    for (; index < this.events.length && events.length < limit; index += 1) {
      const event = this.events[index];
      if (event === undefined) break;
      if (until !== undefined && event.seq > until) break;
      if (untilTime !== undefined && event.at > untilTime) break;
      events.push(this.forWire(event));
    }
    const next = this.events[index];
    const more = next !== undefined && (until === undefined || next.seq <= until) && (untilTime === undefined || next.at <= untilTime);
    return { events, more };
  }

  /** Timeline rows, newest first, with the filter's total. */
  queryMessages(filter: MessageFilter): { total: number; rows: Message[] } {
    let end = this.messages.length;
    if (filter.at !== undefined) {
      let low = 0;
      let high = this.messages.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((this.messages[middle]?.historySeq ?? Infinity) <= filter.at) low = middle + 1;
        else high = middle;
      }
      end = low;
    }
    const { type, participant } = filter;
    if (type === undefined && participant === undefined) {
      const rows: Message[] = [];
      for (let index = end - 1 - filter.offset; index >= 0 && rows.length < filter.limit; index -= 1) {
        const entry = this.messages[index];
        if (entry !== undefined) rows.push(wireMessage(entry.message));
      }
      return { total: end, rows };
    }
    let total = 0;
    const rows: Message[] = [];
    for (let index = end - 1; index >= 0; index -= 1) {
      const message = this.messages[index]?.message;
      if (message === undefined) continue;
      if (type !== undefined && message.type !== type) continue;
      if (participant !== undefined && message.from !== participant && message.to !== participant) continue;
      if (total >= filter.offset && rows.length < filter.limit) rows.push(wireMessage(message));
      total += 1;
    }
    return { total, rows };
  }

  message(id: string): Message | undefined {
    for (let index = this.messages.length - 1; index >= 0; index -= 1) {
      const entry = this.messages[index];
      if (entry?.message.id === id) return entry.message;
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    this.listeners.clear();
    await this.following;
  }
}
