import type Libsql from 'libsql';
import type { z } from 'zod';
import type { HistoryKind } from '../../protocol/index.js';
import type { BadRecordReport } from '../collective-store.js';
import { decodeRecord } from '../shared/records.js';
import { StoreError } from '../store-error.js';
import type { ChangeWaker } from './change-waker.js';

/** What every SQLite operation needs: the connection, the clock, history and bad-row reporting. */
export interface SqliteContext {
  readonly db: Libsql.Database;
  readonly clock: () => number;
  readonly waker: ChangeWaker;
  /** Rung only when messages are committed: inbox followers wait on it, so other changes do not wake them. */
  readonly messageWaker: ChangeWaker;
  readonly reportBadRecord: (report: BadRecordReport) => void;
  /** Instance ids known to be registered (a cache; misses are checked against the table). */
  readonly knownInstances: Set<string>;
  readonly statements: Map<string, Libsql.Statement>;
  /** How long a write waits for another process's write lock, in ms, by the clock on the wall. */
  readonly busyTimeoutMs: number;
  /** Set when the current write appended history: its commit must wake the other processes. */
  historyWritten: boolean;
}

/** A prepared statement for `text`, cached per connection. */
export function sql(context: SqliteContext, text: string): Libsql.Statement {
  let statement = context.statements.get(text);
  if (statement === undefined) {
    statement = context.db.prepare(text);
    context.statements.set(text, statement);
  }
  return statement;
}

/** The context's time as a protocol timestamp. */
export function nowIso(context: SqliteContext): string {
  return new Date(context.clock()).toISOString();
}

/** Whether `error` is SQLite's "database is locked" (another process holds the write lock). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs a write (`work` starts and ends its own transaction or statement) and, while another process holds the
 * write lock, tries again until `busyTimeoutMs` have passed by the clock on the wall. SQLite's own busy
 * timeout counts the sleeps it asked for, not the time that went by, and a signal cuts each sleep short: in a
 * process that receives many (a profiler's SIGPROF every millisecond), its 10 s ran out after ~20 ms and the
 * instance crashed with "database is locked". A write that failed busy changed nothing, so it is safe to redo.
 */
export function retryWhileBusy<T>(busyTimeoutMs: number, work: () => T): T {
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      // Synchronous like SQLite's own wait: 1, 2, 4 … up to 50 ms, with jitter so waiting writers spread out.
      const pause = Math.min(50, 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2);
      Atomics.wait(sleeper, 0, 0, Math.min(pause, Math.max(1, deadline - Date.now())));
    }
  }
}

/** Runs `work` in one IMMEDIATE transaction (durable on return), then wakes followers if it changed history. */
export function writeTransaction<T>(context: SqliteContext, work: () => T): T {
  const result = retryWhileBusy(context.busyTimeoutMs, () => {
    context.historyWritten = false;
    return context.db.transaction(work).immediate();
  });
  if (context.historyWritten) context.waker.ring();
  else context.waker.notify();
  return result;
}

/** Appends one change to the ordered history; call inside the write transaction that makes the change. */
export function appendHistory(
  context: SqliteContext,
  kind: HistoryKind,
  action: string,
  entityId: string,
  data: unknown,
): void {
  context.historyWritten = true;
  sql(context, 'INSERT INTO history (at, kind, action, entity_id, data) VALUES (?, ?, ?, ?, ?)').run(nowIso(context), kind, action, entityId, data === null ? null : JSON.stringify(data));
}

export { validateInput } from '../shared/records.js';

/** Parses a stored JSON record; a malformed or foreign row is reported and skipped (undefined). */
export function decodeRow<S extends z.ZodType>(
  context: SqliteContext,
  schema: S,
  table: string,
  key: string,
  value: unknown,
): z.output<S> | undefined {
  return decodeRecord(context.reportBadRecord, schema, table, key, value);
}

/** Throws `not_found` unless `instanceId` is registered. */
export function requireInstance(context: SqliteContext, instanceId: string, role: string): void {
  if (context.knownInstances.has(instanceId)) return;
  const row = sql(context, 'SELECT 1 FROM instances WHERE id = ?').get(instanceId);
  if (row === undefined) {
    const known = (sql(context, 'SELECT id FROM instances ORDER BY id').all() as Array<{ id: string }>).map((row) => row.id).join(', ');
    throw new StoreError(
      'not_found',
      `unknown instance ${JSON.stringify(instanceId)} as ${role}; registered instances: ${known === '' ? '(none)' : known}`,
    );
  }
  context.knownInstances.add(instanceId);
}
