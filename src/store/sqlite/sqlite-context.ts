import type Libsql from 'libsql';
import type { z } from 'zod';
import { type HistoryKind, ProtocolError, describeIssues, parseRecord } from '../../protocol/index.js';
import type { BadRecordReport } from '../collective-store.js';
import { StoreError } from '../store-error.js';
import type { ChangeWaker } from './change-waker.js';

/** What every SQLite operation needs: the connection, the clock, history and bad-row reporting. */
export interface SqliteContext {
  readonly db: Libsql.Database;
  readonly clock: () => number;
  readonly waker: ChangeWaker;
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

/** Parses caller input with its schema; a failure becomes `StoreError('invalid_input')` naming every problem. */
export function validateInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  try {
    return parseRecord(schema, value, what);
  } catch (error) {
    if (ProtocolError.isInstance(error)) throw new StoreError('invalid_input', error.message, { cause: error });
    throw error;
  }
}

/**
 * Parses a stored JSON record. A malformed or foreign row is reported with its table and key and skipped
 * (undefined), so one bad row never stops a reader.
 */
export function decodeRow<S extends z.ZodType>(
  context: SqliteContext,
  schema: S,
  table: string,
  key: string,
  value: unknown,
): z.output<S> | undefined {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      context.reportBadRecord({ table, key, issues: [`not JSON: ${(error as Error).message}`] });
      return undefined;
    }
  }
  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  context.reportBadRecord({ table, key, issues: describeIssues(result.error) });
  return undefined;
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
