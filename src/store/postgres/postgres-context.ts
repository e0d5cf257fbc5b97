import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { z } from 'zod';
import type { BadRecordReport } from '../collective-store.js';
import { StoreError } from '../store-error.js';
import type { NotifyWaker } from './notify-waker.js';
import { decodeRecord } from '../shared/records.js';
import { type RetryScope, withRetry } from './postgres-retry.js';

/** Something SQL can be sent to: the pool (reads, with retry) or one open transaction. */
export interface Queryable {
  query<R extends object>(text: string, values?: readonly unknown[]): Promise<R[]>;
}

/** What every PostgreSQL operation needs: the pool, the clock, wake-ups, bad-row reporting. */
export interface PostgresContext extends RetryScope {
  readonly pool: pg.Pool;
  readonly clock: () => number;
  readonly waker: NotifyWaker;
  /** The NOTIFY channel writers signal on commit. */
  readonly channel: string;
  readonly reportBadRecord: (report: BadRecordReport) => void;
  /** Instance ids known to be registered (a cache; misses are checked against the table). */
  readonly knownInstances: Set<string>;
}

/** The context's time as a protocol timestamp. */
export function nowIso(context: PostgresContext): string {
  return new Date(context.clock()).toISOString();
}

const statementNames = new Map<string, string>();

/**
 * A named statement for `text`: each connection parses and plans it once and reuses it (the texts are a fixed
 * set, so the number of prepared statements per connection stays small).
 */
export function statement(text: string, values: readonly unknown[] = []): pg.QueryConfig<unknown[]> {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `tachikoma_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return { name, text, values: [...values] };
}

/** Each query on its own pooled connection, outside any transaction, without retries (the caller retries). */
export function pooled(context: PostgresContext): Queryable {
  return { query: async <R extends object>(text: string, values?: readonly unknown[]) => (await context.pool.query<R>(statement(text, values))).rows };
}

/** Reads through the pool, outside any transaction; a lost connection is retried on a fresh one. */
export function reader(context: PostgresContext): Queryable {
  const db = pooled(context);
  return { query: <R extends object>(text: string, values?: readonly unknown[]) => withRetry(context, { idempotent: true }, () => db.query<R>(text, values)) };
}

/** Parses a stored record; a malformed row is reported and skipped (undefined). */
export function decodeRow<S extends z.ZodType>(context: PostgresContext, schema: S, table: string, key: string, value: unknown): z.output<S> | undefined {
  return decodeRecord(context.reportBadRecord, schema, table, key, value);
}

/** Throws `not_found` unless `instanceId` is registered. */
export async function requireInstance(context: PostgresContext, db: Queryable, instanceId: string, role: string): Promise<void> {
  if (context.knownInstances.has(instanceId)) return;
  const rows = await db.query('SELECT 1 FROM instances WHERE id = $1', [instanceId]);
  if (rows.length === 0) throw await unknownInstance(db, instanceId, role);
  context.knownInstances.add(instanceId);
}

/** The `not_found` error for an unregistered instance, listing the registered ones. */
export async function unknownInstance(db: Queryable, instanceId: string, role: string): Promise<StoreError> {
  const known = (await db.query<{ id: string }>('SELECT id FROM instances ORDER BY id')).map((row) => row.id).join(', ');
  return new StoreError('not_found', `unknown instance ${JSON.stringify(instanceId)} as ${role}; registered instances: ${known === '' ? '(none)' : known}`);
}
