import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'libsql';
import type { Audience, CollectiveStore, FollowQuery, StoreOptions } from '../collective-store.js';
import { followSequence } from '../follow-sequence.js';
import { stderrReporter } from '../shared/records.js';
import { sharedStoreMethods } from '../shared/store-methods.js';
import { StoreError } from '../store-error.js';
import { ChangeWaker } from './change-waker.js';
import { migrate } from './migrate.js';
import type { SqliteContext } from './sqlite-context.js';
import { lastHistorySeq, scanHistory } from './sqlite-history.js';
import * as documents from './sqlite-documents.js';
import * as memory from './sqlite-memory.js';
import * as messages from './sqlite-messages.js';
import * as proposals from './sqlite-proposals.js';
import * as registry from './sqlite-registry.js';
import * as coverage from './sqlite-coverage.js';
import * as leases from './sqlite-role-leases.js';
import * as tasks from './sqlite-tasks.js';

export interface SqliteStoreOptions extends StoreOptions {
  /** `normal` (default): durable against any process crash, including kill -9. `full`: also against power loss, slower. */
  synchronous?: 'normal' | 'full';
  /** How long a writer waits for another process's write lock before failing, in ms. Default 10000. */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

/**
 * A failure to open or prepare the file as the store's own error, in one line that says what to do: a file that
 * is not a database (or is damaged) is `corrupt`; one that cannot be written (read-only file or folder, no
 * permission, a full disk) is `unavailable`.
 */
function openFailure(path: string, error: unknown): StoreError {
  if (StoreError.isInstance(error)) return error;
  const code = (error as { code?: unknown }).code;
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StoreError('corrupt', `the store at ${path} is not a readable database (${reason}); restore it from a backup, or use another --run-dir`, { cause: error });
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
    return new StoreError('unavailable', `cannot open the store at ${path} (${reason}): the store needs its file and its folder writable, even to be read`, { cause: error });
  }
  return new StoreError('unavailable', `cannot open the store at ${path}: ${reason}`, { cause: error });
}

function openDatabase(path: string, options: SqliteStoreOptions): Database.Database {
  let db: Database.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (error) {
    throw openFailure(path, error);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw openFailure(path, error);
  }
  return db;
}

/**
 * Opens (creating if needed) the SQLite collective store at `path`. Every process of a collective opens the
 * same file; WAL mode lets readers run while one writer commits, and the busy timeout queues writers.
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): CollectiveStore {
  const absolute = resolve(path);
  const db = openDatabase(absolute, options);
  try {
    migrate(db, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  } catch (error) {
    db.close();
    throw openFailure(absolute, error);
  }
  const waker = new ChangeWaker(absolute, options.pollIntervalMs ?? 1000);
  // Inbox followers (every instance) need only message commits: registrations, heartbeats with news, task and
  // vote changes ring the other bell, so 16 starting instances do not wake each other for nothing.
  const messageWaker = new ChangeWaker(absolute, options.pollIntervalMs ?? 1000, 'bell-messages');
  const context: SqliteContext = {
    db,
    clock: options.clock ?? Date.now,
    waker,
    messageWaker,
    reportBadRecord: options.onBadRecord ?? stderrReporter(),
    knownInstances: new Set(),
    statements: new Map(),
    busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    historyWritten: false,
  };
  const publisher = new messages.MessagePublisher(context);
  let closed = false;

  /** Runs a synchronous operation as a promise, refusing once closed. */
  function run<T>(work: () => T | Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new StoreError('closed', `the store at ${absolute} is closed`));
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  function follow<T>(query: FollowQuery, bell: ChangeWaker, scan: (after: number, limit: number) => { items: T[]; lastSeq: number; full: boolean }): AsyncIterable<T> {
    return followSequence({
      after: query.after,
      batchSize: query.batchSize ?? 256,
      signal: query.signal,
      scan: (after, limit) => run(() => scan(after, limit)),
      generation: () => bell.generation(),
      wait: (since, signal) => bell.wait(since, signal),
      isClosed: () => closed,
    });
  }

  return {
    backend: 'sqlite',
    location: absolute,
    publish: (message) => (closed ? run(() => undefined as never) : publisher.publish(message)),
    readMessages: (query) => run(() => messages.scanMessages(context, query.audience, query.after, query.limit ?? 1000).items),
    followMessages: (audience: Audience, query) => follow(query, messageWaker, (after, limit) => messages.scanMessages(context, audience, after, limit)),
    ...sharedStoreMethods(context, run, { messages, registry, tasks, proposals, leases, memory, coverage, documents, lastHistorySeq }),
    readHistory: (query) => run(() => scanHistory(context, query).items),
    followHistory: (query) => follow(query, waker, (after, limit) => scanHistory(context, { after, limit })),
    close: () => {
      if (closed) return Promise.resolve();
      publisher.flush();
      closed = true;
      waker.close();
      messageWaker.close();
      db.close();
      return Promise.resolve();
    },
  };
}
