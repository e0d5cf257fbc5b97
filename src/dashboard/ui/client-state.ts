import type { HistoryEvent, Message } from '../../protocol/index.js';
import { type CollectiveView, applyEvents, emptyView, eventMessage } from '../view-model/collective-view.js';
import type { ChangesListing, RunInfo } from '../view-model/wire.js';
import { api, connectEvents } from './api.js';

export interface ReplayState {
  /** The history sequence shown. */
  seq: number;
  view: CollectiveView;
  playing: boolean;
  /** History seconds per wall second. */
  speed: number;
}

export interface ClientSnapshot {
  live: CollectiveView;
  /** The view on screen: the replayed moment, or live. */
  shown: CollectiveView;
  replay: ReplayState | null;
  run: RunInfo | null;
  /** The run's changes (always live, also while a replay is shown). */
  changes: ChangesListing | null;
  startedAt: string | null;
  connected: boolean;
  loaded: boolean;
  error: string | null;
  version: number;
}

type Listener = () => void;
type MessageListener = (messages: { message: Message; historySeq: number }[], replayed: boolean) => void;

/**
 * The browser's copy of the collective: the live view (folded from SSE batches with the same code the server
 * uses), an optional replayed moment, and change notification coalesced to one per animation frame.
 */
export class ClientState {
  private snapshot: ClientSnapshot = {
    live: emptyView(),
    shown: emptyView(),
    replay: null,
    run: null,
    changes: null,
    startedAt: null,
    connected: false,
    loaded: false,
    error: null,
    version: 0,
  };
  private readonly listeners = new Set<Listener>();
  private readonly messageListeners = new Set<MessageListener>();
  private frame = 0;
  private disconnect: (() => void) | undefined;
  private playTimer: number | undefined;
  private replayToken = 0;

  get current(): ClientSnapshot {
    return this.snapshot;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** New messages as they are folded in (live, or while a replay plays forward). */
  onMessages(listener: MessageListener): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  private changed(patch: Partial<ClientSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch, version: this.snapshot.version + 1 };
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const listener of this.listeners) listener();
    });
  }

  private emitMessages(events: readonly HistoryEvent[], replayed: boolean): void {
    const messages: { message: Message; historySeq: number }[] = [];
    for (const event of events) {
      const message = eventMessage(event);
      if (message !== null) messages.push({ message, historySeq: event.seq });
    }
    if (messages.length === 0) return;
    for (const listener of this.messageListeners) listener(messages, replayed);
  }

  async start(): Promise<void> {
    try {
      const state = await api.state();
      this.changed({ live: state.view, shown: state.view, run: state.run, changes: state.changes, startedAt: state.startedAt, loaded: true });
      this.disconnect = connectEvents(state.view.seq, {
        onBatch: (events) => this.applyLive(events),
        onChanges: (changes) => this.changed({ changes }),
        onStatus: (connected) => this.changed({ connected }),
      });
    } catch (error) {
      this.changed({ error: (error as Error).message });
    }
  }

  private applyLive(events: HistoryEvent[]): void {
    const live = this.snapshot.live;
    const fresh = events.filter((event) => event.seq > live.seq);
    if (fresh.length === 0) return;
    applyEvents(live, fresh);
    const startedAt = this.snapshot.startedAt ?? fresh[0]?.at ?? null;
    this.changed({ live, shown: this.snapshot.replay === null ? live : this.snapshot.shown, startedAt });
    if (this.snapshot.replay === null) this.emitMessages(fresh, false);
  }

  /** Shows the collective as it was right after history event `seq`. */
  async replayTo(seq: number): Promise<void> {
    const token = ++this.replayToken;
    if (seq >= this.snapshot.live.seq) {
      this.goLive();
      return;
    }
    const state = await api.state(seq);
    if (token !== this.replayToken) return;
    const replay: ReplayState = { seq: state.view.seq, view: state.view, playing: this.snapshot.replay?.playing ?? false, speed: this.snapshot.replay?.speed ?? 8 };
    this.changed({ replay, shown: state.view });
  }

  goLive(): void {
    this.replayToken += 1;
    this.stopTimer();
    this.changed({ replay: null, shown: this.snapshot.live });
  }

  setSpeed(speed: number): void {
    const replay = this.snapshot.replay;
    if (replay !== null) this.changed({ replay: { ...replay, speed } });
  }

  private stopTimer(): void {
    if (this.playTimer !== undefined) window.clearInterval(this.playTimer);
    this.playTimer = undefined;
  }

  pause(): void {
    this.stopTimer();
    const replay = this.snapshot.replay;
    if (replay !== null) this.changed({ replay: { ...replay, playing: false } });
  }

  /** Plays the replay forward at its speed, folding history as it goes; reaching the present goes live. */
  async play(): Promise<void> {
    if (this.snapshot.replay === null) await this.replayTo(0);
    const start = this.snapshot.replay;
    if (start === null) return;
    this.changed({ replay: { ...start, playing: true } });
    const tickMs = 200;
    let busy = false;
    let cursorTime = Date.parse(start.view.at ?? this.snapshot.startedAt ?? new Date().toISOString());
    this.stopTimer();
    this.playTimer = window.setInterval(() => {
      if (busy) return;
      const replay = this.snapshot.replay;
      if (replay === null || !replay.playing) return;
      busy = true;
      cursorTime += tickMs * replay.speed;
      const token = this.replayToken;
      void api
        .history(replay.view.seq, 2000, new Date(cursorTime).toISOString())
        .then((page) => {
          const now = this.snapshot.replay;
          if (token !== this.replayToken || now === null) return;
          if (page.events.length > 0) {
            applyEvents(now.view, page.events);
            this.emitMessages(page.events, true);
            // A long quiet stretch is skipped rather than waited through.
          } else if (now.view.seq < this.snapshot.live.seq) {
            void api.history(now.view.seq, 1).then((next) => {
              const first = next.events[0];
              if (first !== undefined) cursorTime = Math.max(cursorTime, Date.parse(first.at) - tickMs * now.speed);
            });
          }
          if (now.view.seq >= this.snapshot.live.seq) this.goLive();
          else this.changed({ replay: { ...now, seq: now.view.seq }, shown: now.view });
        })
        .catch((error: unknown) => this.changed({ error: (error as Error).message }))
        .finally(() => {
          busy = false;
        });
    }, tickMs);
  }

  close(): void {
    this.stopTimer();
    this.disconnect?.();
  }
}
