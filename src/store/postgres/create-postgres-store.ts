import pg from 'pg';
import type { Audience, CollectiveStore, FollowQuery, StoreOptions } from '../collective-store.js';
import { type ScanResult, followSequence } from '../follow-sequence.js';
import { sharedStoreMethods } from '../shared/store-methods.js';
import { StoreError } from '../store-error.js';
import { NotifyWaker } from './notify-waker.js';
import { type PostgresPoolOptions, clientConfig, createPool, resolveTarget } from './postgres-connection.js';
import type { PostgresContext } from './postgres-context.js';
import { followWithReconnect } from './postgres-follow.js';
import { lastHistorySeq, scanHistory } from './postgres-history.js';
import * as documents from './postgres-documents.js';
import * as memory from './postgres-memory.js';
import * as messages from './postgres-messages.js';
import { migrate } from './postgres-migrate.js';
import * as proposals from './postgres-proposals.js';
import { PostgresPublisher } from './postgres-publisher.js';
import { stderrReporter } from '../shared/records.js';
import * as registry from './postgres-registry.js';
import * as coverage from './postgres-coverage.js';
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
  async function run<T>(work: () => T | Promise<T>): Promise<T> {
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
    ...sharedStoreMethods(context, run, { messages, registry, tasks, proposals, leases, memory, coverage, documents, lastHistorySeq }),
    readHistory: (query) => run(async () => (await scanHistory(context, query)).items),
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
