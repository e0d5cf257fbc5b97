import type { Message } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';

/**
 * Follows an instance's messages in the background and queues them; the loop drains the queue between turns
 * and waits on it when idle. Started after the persisted cursor, so a restart re-delivers exactly what was
 * not handled yet.
 */
export class InboxQueue {
  private readonly pending: Message[] = [];
  private wake: (() => void) | undefined;
  private failure: unknown;
  private readonly done: Promise<void>;

  constructor(store: CollectiveStore, instanceId: string, after: number, signal: AbortSignal) {
    this.done = (async () => {
      try {
        for await (const message of store.followMessages({ instance: instanceId }, { after, signal })) {
          this.pending.push(message);
          this.wake?.();
        }
      } catch (error) {
        if (!signal.aborted) this.failure = error;
      } finally {
        this.wake?.();
      }
    })();
  }

  /** Takes everything queued: the human's messages first, then in sequence order. */
  drain(): Message[] {
    if (this.failure !== undefined) throw this.failure instanceof Error ? this.failure : new Error('the message follower failed', { cause: this.failure });
    const taken = this.pending.splice(0, this.pending.length);
    return [...taken.filter((message) => message.from === 'human'), ...taken.filter((message) => message.from !== 'human')];
  }

  /** Puts messages back at the front of the queue (e.g. those that arrived while the instance was paused). */
  putBack(messages: readonly Message[]): void {
    this.pending.unshift(...messages);
  }

  get size(): number {
    return this.pending.length;
  }

  /** Resolves when a message is queued, after `timeoutMs`, or when `signal` aborts. */
  waitForMessage(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.pending.length > 0 || signal.aborted || this.failure !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      signal.addEventListener('abort', finish, { once: true });
      this.wake = finish;
    });
  }

  /** Resolves once the background follower has ended (after its signal aborted). */
  closed(): Promise<void> {
    return this.done;
  }
}
