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

/** Runs `work` in one IMMEDIATE transaction (durable on return), then wakes followers if it changed history. */
export function writeTransaction<T>(context: SqliteContext, work: () => T): T {
  context.historyWritten = false;
  const result = context.db.transaction(work).immediate();
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
