import type pg from 'pg';
import { quoteIdentifier } from './postgres-connection.js';

/**
 * Wakes waiting followers when any process commits a change to this collective (LISTEN on one dedicated
 * connection; writers call pg_notify inside their transaction), when this process writes, or after a slow
 * fallback poll. A lost listening connection is re-opened with backoff; every (re)connect wakes followers once
 * so they re-read whatever was committed while nobody was listening.
 */
export class NotifyWaker {
  private generationCount = 0;
  private readonly waiters = new Set<() => void>();
  private listener: pg.Client | undefined;
  private starting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 100;
  private closed = false;

  constructor(
    private readonly openClient: () => pg.Client,
    private readonly channel: string,
    private readonly pollIntervalMs: number,
  ) {}

  /** Changes every time a wake-up fires. */
  generation(): number {
    return this.generationCount;
  }

  /** Wakes every waiter now. */
  notify(): void {
    this.generationCount += 1;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Starts listening if nobody is; resolves once LISTEN is in place or the attempt failed (the poll covers). */
  start(): Promise<void> {
    if (this.closed || this.listener !== undefined) return Promise.resolve();
    this.starting ??= this.listen().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Resolves on the next wake-up after `since`, after the fallback interval, or when `signal` aborts. */
  wait(since: number, signal: AbortSignal | undefined): Promise<void> {
    if (since !== this.generationCount || this.closed || (signal?.aborted ?? false)) return Promise.resolve();
    void this.start();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  /** Stops listening and releases every waiter. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const listener = this.listener;
    this.listener = undefined;
    this.notify();
    await this.starting;
    await listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = this.openClient();
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      this.scheduleRetry();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (notification) => {
      if (notification.channel === this.channel) this.notify();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.channel)}`);
    } catch {
      onLost();
      return;
    }
    if (this.closed || lost) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.retryDelayMs = 100;
    // Whatever was committed before LISTEN took effect: followers read it now rather than at the next poll.
    this.notify();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.start();
    }, delay);
    this.retryTimer.unref();
  }
}
