import pg from 'pg';
import type { Audience, CollectiveStore, FollowQuery, StoreOptions } from '../collective-store.js';
import { type ScanResult, followSequence } from '../follow-sequence.js';
import { StoreError } from '../store-error.js';
import { NotifyWaker } from './notify-waker.js';
import { type PostgresPoolOptions, clientConfig, createPool, resolveTarget } from './postgres-connection.js';
import type { PostgresContext } from './postgres-context.js';
import { followWithReconnect } from './postgres-follow.js';
import { lastHistorySeq, scanHistory } from './postgres-history.js';
import * as memory from './postgres-memory.js';
import * as messages from './postgres-messages.js';
import { migrate } from './postgres-migrate.js';
import * as proposals from './postgres-proposals.js';
import { PostgresPublisher } from './postgres-publisher.js';
import { stderrReporter } from '../shared/records.js';
import * as registry from './postgres-registry.js';
import * as leases from './postgres-role-leases.js';
import * as tasks from './postgres-tasks.js';

/** Options of the PostgreSQL store: the common store options, connection settings, the schema and the reconnect budget. */
export interface PostgresStoreOptions extends StoreOptions, PostgresPoolOptions {
  /** The schema holding this collective (created if missing). Default: the URL's `?schema=`, else `tachikoma`. */
  schema?: string;
  /** How long an operation keeps reconnecting to a lost server before failing with `unavailable`, in ms. Default 15000. */
  reconnectTimeoutMs?: number;
}

/**
 * Opens the PostgreSQL collective store at `url` (`postgres://user:password@host:port/database?schema=name`).
 * Every process of a collective opens the same URL and schema. Connecting and migrating happen on first use,
 * so this returns at once; an unreachable server makes calls reject with `unavailable` after
 * `reconnectTimeoutMs`. Messages and history are ordered by a counters row locked until commit (see
 * postgres-transaction.ts); followers wake on LISTEN/NOTIFY with a slow poll as fallback.
 */
export function createPostgresStore(url: string, options: PostgresStoreOptions = {}): CollectiveStore {
  const target = resolveTarget(url, options.schema);
  const pool = createPool(target, options);
  let closed = false;
  const openListener = (): pg.Client => new pg.Client(clientConfig(target, options));
  const context: PostgresContext = {
    pool,
    clock: options.clock ?? Date.now,
    waker: new NotifyWaker(openListener, target.channel, options.pollIntervalMs ?? 1000),
    channel: target.channel,
    reportBadRecord: options.onBadRecord ?? stderrReporter(),
    knownInstances: new Set(),
    location: target.location,
    reconnectTimeoutMs: options.reconnectTimeoutMs ?? 15_000,
    isClosed: () => closed,
  };
  const publisher = new PostgresPublisher(context);
  let migrated: Promise<void> | undefined;
  let closing: Promise<void> | undefined;

  function ready(): Promise<void> {
    migrated ??= migrate(context, target.schema).catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    return migrated;
  }

  /** Runs an operation once the schema is in place, refusing once closed; a synchronous throw becomes a rejection. */
  async function run<T>(work: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreError('closed', `the store at ${target.location} is closed`);
    await ready();
    return work();
  }

  function follow<T>(query: FollowQuery, scan: (after: number, limit: number) => Promise<ScanResult<T>>): AsyncIterable<T> {
    return followSequence({
      after: query.after,
      batchSize: query.batchSize ?? 256,
      signal: query.signal,
      scan: followWithReconnect(context, query.signal, (after, limit) => run(() => scan(after, limit))),
      generation: () => context.waker.generation(),
      wait: (since, signal) => context.waker.wait(since, signal),
      isClosed: () => closed,
    });
  }

  return {
    backend: 'postgres',
    location: target.location,
    publish: (message) => run(() => publisher.publish(message)),
    readMessages: (query) => run(async () => (await messages.scanMessages(context, query.audience, query.after, query.limit ?? 1000)).items),
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
    readHistory: (query) => run(async () => (await scanHistory(context, query)).items),
    lastHistorySeq: () => run(() => lastHistorySeq(context)),
    followHistory: (query) => follow(query, (after, limit) => scanHistory(context, { after, limit })),
    close: () => {
      closing ??= (async () => {
        // Publishes already accepted are written before the connections go.
        await publisher.drain();
        closed = true;
        await context.waker.close();
        await migrated?.catch(() => undefined);
        await pool.end();
      })();
      return closing;
    },
  };
}
