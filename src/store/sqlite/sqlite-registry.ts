import {
  type Heartbeat,
  INSTANCE_SCHEMA_VERSION,
  type InstanceRecord,
  type InstanceRegistration,
  heartbeatSchema,
  instanceIdSchema,
  instanceRecordSchema,
  instanceRegistrationSchema,
} from '../../protocol/index.js';
import type { CursorPosition } from '../collective-store.js';
import { beatAction, beatRecord, compareInstanceIds, registeredRecord, unregisteredHeartbeat } from '../shared/instance-rules.js';
import { checkCursor } from '../shared/message-rows.js';
import { writeCursor } from './sqlite-messages.js';
import { type SqliteContext, appendHistory, decodeRow, nowIso, retryWhileBusy, sql, validateInput, writeTransaction } from './sqlite-context.js';

interface InstanceRow {
  id: string;
  record: string;
}

function readInstance(context: SqliteContext, instanceId: string): InstanceRecord | undefined {
  const row = sql(context, 'SELECT id, record FROM instances WHERE id = ?').get(instanceId) as InstanceRow | undefined;
  return row === undefined ? undefined : decodeRow(context, instanceRecordSchema, 'instances', row.id, row.record);
}

function storeInstance(context: SqliteContext, record: InstanceRecord): void {
  sql(
    context,
    `INSERT INTO instances (id, v, status, heartbeat_ms, record) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET v = excluded.v, status = excluded.status,
       heartbeat_ms = excluded.heartbeat_ms, record = excluded.record`,
  ).run(record.id, INSTANCE_SCHEMA_VERSION, record.status, Date.parse(record.heartbeatAt), JSON.stringify(record));
}

export function register(context: SqliteContext, input: InstanceRegistration): InstanceRecord {
  const registration = validateInput(instanceRegistrationSchema, input, 'instance registration');
  const record = writeTransaction(context, () => {
    const previous = readInstance(context, registration.id);
    const next = registeredRecord(registration, previous, nowIso(context));
    storeInstance(context, next);
    appendHistory(context, 'instance', previous === undefined ? 'registered' : 're-registered', next.id, next);
    return next;
  });
  context.knownInstances.add(record.id);
  return record;
}

/**
 * A bare heartbeat (only the time changes): one UPDATE of the row's time, no read-modify-write and no history,
 * so nothing any process follows changed and nobody is woken. This is what an idle instance sends every few
 * seconds; it must stay cheap.
 */
function touch(context: SqliteContext, id: string): InstanceRecord {
  const now = context.clock();
  const row = retryWhileBusy(context.busyTimeoutMs, () =>
    sql(
      context,
      `UPDATE instances SET heartbeat_ms = ?, record = json_set(record, '$.heartbeatAt', ?) WHERE id = ? RETURNING id, record`,
    ).get(now, new Date(now).toISOString(), id),
  ) as InstanceRow | undefined;
  const record = row === undefined ? undefined : decodeRow(context, instanceRecordSchema, 'instances', row.id, row.record);
  if (record === undefined) throw unregisteredHeartbeat(id);
  return record;
}

/** Field-by-field change of a heartbeat; history gets an event only when something besides the time changed. */
export function heartbeat(context: SqliteContext, instanceId: string, input: Heartbeat | undefined, cursor?: CursorPosition): InstanceRecord {
  const id = validateInput(instanceIdSchema, instanceId, 'instance id');
  const beat = validateInput(heartbeatSchema, input ?? {}, 'heartbeat');
  if (cursor !== undefined) checkCursor(cursor.consumer, cursor.seq);
  if (cursor === undefined && Object.values(beat).every((value) => value === undefined)) return touch(context, id);
  return writeTransaction(context, () => {
    const previous = readInstance(context, id);
    if (previous === undefined) throw unregisteredHeartbeat(id);
    const next = beatRecord(previous, beat, nowIso(context));
    storeInstance(context, next);
    if (cursor !== undefined) writeCursor(context, cursor.consumer, cursor.seq);
    const action = beatAction(previous, next, beat);
    if (action !== undefined) appendHistory(context, 'instance', action, id, next);
    return next;
  });
}

export function getInstance(context: SqliteContext, instanceId: string): InstanceRecord | null {
  return readInstance(context, validateInput(instanceIdSchema, instanceId, 'instance id')) ?? null;
}

export function listInstances(context: SqliteContext): InstanceRecord[] {
  const rows = sql(context, 'SELECT id, record FROM instances').all() as InstanceRow[];
  const records = rows.flatMap((row) => decodeRow(context, instanceRecordSchema, 'instances', row.id, row.record) ?? []);
  return records.sort((a, b) => compareInstanceIds(a.id, b.id));
}

export function findStale(context: SqliteContext, olderThanMs: number): InstanceRecord[] {
  const limit = context.clock() - olderThanMs;
  const rows = sql(
    context,
    `SELECT id, record FROM instances WHERE heartbeat_ms < ? AND status NOT IN ('stopped', 'crashed')`,
  ).all(limit) as InstanceRow[];
  return rows.flatMap((row) => decodeRow(context, instanceRecordSchema, 'instances', row.id, row.record) ?? []);
}
