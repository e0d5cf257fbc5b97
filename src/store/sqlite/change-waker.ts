import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Wakes waiting followers when the database file or its WAL changes (inotify through fs.watch on the folder,
 * so a WAL that is deleted and re-created keeps waking), when this process writes, or after a slow fallback
 * poll. One watcher per store, shared by all of its followers.
 */
export class ChangeWaker {
  private generationCount = 0;
  private readonly waiters = new Set<() => void>();
  private watcher: FSWatcher | undefined;
  private closed = false;
  private readonly names: Set<string>;

  constructor(
    private readonly databasePath: string,
    private readonly pollIntervalMs: number,
  ) {
    const name = basename(databasePath);
    this.names = new Set([name, `${name}-wal`]);
  }

  /** Changes every time a wake-up fires. */
  generation(): number {
    return this.generationCount;
  }

  /** Wakes every waiter now (called after this process commits). */
  notify(): void {
    this.generationCount += 1;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves on the next wake-up after `since`, after the fallback interval, or when `signal` aborts. */
  wait(since: number, signal: AbortSignal | undefined): Promise<void> {
    if (since !== this.generationCount || this.closed || (signal?.aborted ?? false)) return Promise.resolve();
    this.ensureWatcher();
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

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    this.notify();
  }

  private ensureWatcher(): void {
    if (this.watcher !== undefined || this.closed) return;
    try {
      this.watcher = watch(dirname(this.databasePath), { persistent: false }, (_event, filename) => {
        if (filename === null || this.names.has(filename.toString())) this.notify();
      });
      this.watcher.on('error', () => {
        // The folder went away or inotify ran out: the fallback poll keeps followers going.
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      this.watcher = undefined;
    }
  }
}
