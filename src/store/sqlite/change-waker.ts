import { type FSWatcher, closeSync, constants, openSync, watch, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Wakes waiting followers when another process rings the store's bell file (inotify through fs.watch on the
 * bell itself, or on its folder when the bell cannot be opened), when this process writes, or after a slow
 * fallback poll. Only commits that others should see (messages, history) ring the bell: a bare heartbeat
 * changes the WAL but wakes nobody — watching the bell rather than the folder keeps every WAL write of every
 * process from waking every other one — so an idle collective costs almost nothing. One watcher per store,
 * shared by all of its followers.
 */
export class ChangeWaker {
  private generationCount = 0;
  private readonly waiters = new Set<() => void>();
  private watcher: FSWatcher | undefined;
  private closed = false;
  private readonly bellName: string;
  private bellFd: number | undefined;

  private readonly bellPath: string;

  /** `bell` names the bell file (`<db>-bell`, or `<db>-bell-messages` for the one only message commits ring). */
  constructor(
    private readonly databasePath: string,
    private readonly pollIntervalMs: number,
    bell = 'bell',
  ) {
    this.bellName = `${basename(databasePath)}-${bell}`;
    this.bellPath = `${databasePath}-${bell}`;
  }

  /** Tells every process watching this store that something they follow changed (and wakes local waiters). */
  ring(): void {
    try {
      this.bellFd ??= this.openBell();
      // Rewriting one byte in place: an inotify modify event, and the file never grows.
      writeSync(this.bellFd, Buffer.from([this.generationCount % 256]), 0, 1, 0);
    } catch {
      // A bell that cannot ring leaves the other processes on their fallback poll; nothing is lost.
    }
    this.notify();
  }

  /** Changes every time a wake-up fires. Starts watching, so a change right after this call is not missed. */
  generation(): number {
    this.ensureWatcher();
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

  /** The bell was removed or replaced: drop the watch and the handle, both are made again on next use. */
  private forgetBell(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.bellFd !== undefined) closeSync(this.bellFd);
    this.bellFd = undefined;
  }

  close(): void {
    this.closed = true;
    if (this.bellFd !== undefined) closeSync(this.bellFd);
    this.bellFd = undefined;
    this.watcher?.close();
    this.watcher = undefined;
    this.notify();
  }

  private openBell(): number {
    return openSync(this.bellPath, constants.O_RDWR | constants.O_CREAT);
  }

  private ensureWatcher(): void {
    if (this.watcher !== undefined || this.closed) return;
    try {
      try {
        this.bellFd ??= this.openBell();
      } catch {
        // A bell that cannot be created yet (read-only folder): watch the folder for it instead.
      }
      this.watcher =
        this.bellFd === undefined
          ? watch(dirname(this.databasePath), { persistent: false }, (_event, filename) => {
              if (filename === null || filename.toString() === this.bellName) this.notify();
            })
          : watch(this.bellPath, { persistent: false }, (event) => {
              if (event === 'rename') this.forgetBell();
              this.notify();
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
