import type { Message } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';

/** Is this a request for the instance to stop (a control message `stop`)? */
export function isStopRequest(message: Message): boolean {
  return message.type === 'control' && (message.metadata.command === 'stop' || message.content.trim().toLowerCase() === 'stop');
}

export function highestSeq(messages: readonly Message[], floor: number): number {
  return messages.reduce((highest, message) => Math.max(highest, message.seq), floor);
}

/** Messages kept over from an unhandled turn joined with new ones: each once, the human's first, then by sequence. */
export function mergeInbox(carried: readonly Message[], fresh: readonly Message[]): Message[] {
  if (carried.length === 0) return [...fresh];
  const byId = new Map<string, Message>();
  for (const message of [...carried, ...fresh]) byId.set(message.id, message);
  const all = [...byId.values()].sort((a, b) => a.seq - b.seq);
  return [...all.filter((message) => message.from === 'human'), ...all.filter((message) => message.from !== 'human')];
}

/**
 * Which stop requests an instance acts on. An instance joining for the first time (nothing handled yet) reads the
 * collective's past broadcasts; a broadcast `stop` among them ended an earlier session of the run and is not meant
 * for it. The last stop acted on is remembered, so a resumed instance does not stop again on one it re-reads.
 */
export class StopRequests {
  private constructor(
    private readonly store: CollectiveStore,
    private readonly id: string,
    private readonly joinedAfterSeq: number,
    private stoppedAt: number,
  ) {}

  static async load(store: CollectiveStore, id: string, cursor: number): Promise<StopRequests> {
    const joinedAfterSeq = cursor === 0 ? await store.lastMessageSeq() : 0;
    return new StopRequests(store, id, joinedAfterSeq, await store.getCursor(`stop:${id}`));
  }

  /** Drops stop requests already acted on. */
  fresh(messages: readonly Message[]): Message[] {
    return messages.filter((message) => !(isStopRequest(message) && message.seq <= this.stoppedAt));
  }

  /** Does this batch ask the instance to stop now? */
  stopsNow(batch: readonly Message[]): boolean {
    return batch.some((message) => isStopRequest(message) && !(message.to === 'broadcast' && message.seq <= this.joinedAfterSeq));
  }

  /**
   * Accepts the stop of a batch: the cursor moves past the stop but not past any other message of the batch, so
   * nothing unhandled is lost when the run is resumed. Returns the new inbox cursor.
   */
  async accept(batch: readonly Message[], cursor: number): Promise<number> {
    this.stoppedAt = highestSeq(batch.filter(isStopRequest), this.stoppedAt);
    await this.store.saveCursor(`stop:${this.id}`, this.stoppedAt);
    const rest = batch.filter((message) => !isStopRequest(message));
    const next = rest.length === 0 ? highestSeq(batch, cursor) : Math.max(cursor, Math.min(...rest.map((message) => message.seq)) - 1);
    await this.store.saveCursor(`inbox:${this.id}`, next);
    return next;
  }
}
