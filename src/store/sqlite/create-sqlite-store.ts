import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'libsql';
import type { Audience, CollectiveStore, FollowQuery, StoreOptions } from '../collective-store.js';
import { followSequence } from '../follow-sequence.js';
import { stderrReporter } from '../shared/records.js';
import { StoreError } from '../store-error.js';
import { ChangeWaker } from './change-waker.js';
import { migrate } from './migrate.js';
import type { SqliteContext } from './sqlite-context.js';
import { lastHistorySeq, scanHistory } from './sqlite-history.js';
import * as memory from './sqlite-memory.js';
import * as messages from './sqlite-messages.js';
import * as proposals from './sqlite-proposals.js';
import * as registry from './sqlite-registry.js';
import * as leases from './sqlite-role-leases.js';
import * as tasks from './sqlite-tasks.js';

export interface SqliteStoreOptions extends StoreOptions {
  /** `normal` (default): durable against any process crash, including kill -9. `full`: also against power loss, slower. */
  synchronous?: 'normal' | 'full';
  /** How long a writer waits for another process's write lock before failing, in ms. Default 10000. */
  busyTimeoutMs?: number;
}

function openDatabase(path: string, options: SqliteStoreOptions): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new StoreError('unavailable', `cannot open the store at ${path}: ${(error as Error).message}`, { cause: error });
  }
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
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
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const waker = new ChangeWaker(absolute, options.pollIntervalMs ?? 1000);
  const context: SqliteContext = {
    db,
    clock: options.clock ?? Date.now,
    waker,
    reportBadRecord: options.onBadRecord ?? stderrReporter(),
    knownInstances: new Set(),
    statements: new Map(),
    historyWritten: false,
  };
  const publisher = new messages.MessagePublisher(context);
  let closed = false;

  /** Runs a synchronous operation as a promise, refusing once closed. */
  function run<T>(work: () => T): Promise<T> {
    if (closed) return Promise.reject(new StoreError('closed', `the store at ${absolute} is closed`));
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  function follow<T>(query: FollowQuery, scan: (after: number, limit: number) => { items: T[]; lastSeq: number; full: boolean }): AsyncIterable<T> {
    return followSequence({
      after: query.after,
      batchSize: query.batchSize ?? 256,
      signal: query.signal,
      scan: (after, limit) => run(() => scan(after, limit)),
      generation: () => waker.generation(),
      wait: (since, signal) => waker.wait(since, signal),
      isClosed: () => closed,
    });
  }

  return {
    backend: 'sqlite',
    location: absolute,
    publish: (message) => (closed ? run(() => undefined as never) : publisher.publish(message)),
    readMessages: (query) => run(() => messages.scanMessages(context, query.audience, query.after, query.limit ?? 1000).items),
    followMessages: (audience: Audience, query) => follow(query, (after, limit) => messages.scanMessages(context, audience, after, limit)),
    lastMessageSeq: () => run(() => messages.lastMessageSeq(context)),
    getCursor: (consumer) => run(() => messages.getCursor(context, consumer)),
    saveCursor: (consumer, seq) => run(() => messages.saveCursor(context, consumer, seq)),
    register: (registration) => run(() => registry.register(context, registration)),
    heartbeat: (instanceId, beat) => run(() => registry.heartbeat(context, instanceId, beat)),
    getInstance: (instanceId) => run(() => registry.getInstance(context, instanceId)),
    listInstances: () => run(() => registry.listInstances(context)),
    findStale: (olderThanMs) => run(() => registry.findStale(context, olderThanMs)),
    createTask: (task) => run(() => tasks.createTask(context, task)),
    getTask: (taskId) => run(() => tasks.getTask(context, taskId)),
    listTasks: (query) => run(() => tasks.listTasks(context, query)),
    claimTask: (taskId, instanceId, claim) => run(() => tasks.claimTask(context, taskId, instanceId, claim)),
    claimNext: (instanceId, claim) => run(() => tasks.claimNext(context, instanceId, claim)),
    renewLease: (taskId, instanceId, claim) => run(() => tasks.renewLease(context, taskId, instanceId, claim)),
    completeTask: (taskId, instanceId, completion) => run(() => tasks.completeTask(context, taskId, instanceId, completion)),
    failTask: (taskId, instanceId, reason) => run(() => tasks.failTask(context, taskId, instanceId, reason)),
    releaseTask: (taskId, instanceId) => run(() => tasks.releaseTask(context, taskId, instanceId)),
    reofferExpired: () => run(() => tasks.reofferExpired(context)),
    openProposal: (proposal) => run(() => proposals.openProposal(context, proposal)),
    getProposal: (proposalId) => run(() => proposals.getProposal(context, proposalId)),
    listProposals: (query) => run(() => proposals.listProposals(context, query?.state)),
    castVote: (vote) => run(() => proposals.castVote(context, vote)),
    listVotes: (proposalId) => run(() => proposals.listVotes(context, proposalId)),
    tally: (proposalId) => run(() => proposals.tally(context, proposalId)),
    closeDue: () => run(() => proposals.closeDue(context)),
    closeProposal: (proposalId, close) => run(() => proposals.closeProposal(context, proposalId, close?.winner)),
    acquireRoleLease: (name, holder, lease) => run(() => leases.acquireRoleLease(context, name, holder, lease.ttlMs)),
    releaseRoleLease: (name, holder) => run(() => leases.releaseRoleLease(context, name, holder)),
    getRoleLease: (name) => run(() => leases.getRoleLease(context, name)),
    remember: (item) => run(() => memory.remember(context, item)),
    getMemory: (memoryId) => run(() => memory.getMemory(context, memoryId)),
    searchMemory: (query, search) => run(() => memory.searchMemory(context, query, search)),
    listMemory: (list) => run(() => memory.listMemory(context, list)),
    countMemory: () => run(() => memory.countMemory(context)),
    readHistory: (query) => run(() => scanHistory(context, query).items),
    lastHistorySeq: () => run(() => lastHistorySeq(context)),
    followHistory: (query) => follow(query, (after, limit) => scanHistory(context, { after, limit })),
    close: () => {
      if (closed) return Promise.resolve();
      publisher.flush();
      closed = true;
      waker.close();
      db.close();
      return Promise.resolve();
    },
  };
}
