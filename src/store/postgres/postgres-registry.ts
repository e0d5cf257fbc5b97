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
import { writeCursor } from './postgres-messages.js';
import { StoreError } from '../store-error.js';
import { type PostgresContext, type Queryable, decodeRow, nowIso, reader } from './postgres-context.js';
import { validateInput } from '../shared/records.js';
import { type WriteTransaction, writeTransaction } from './postgres-transaction.js';

interface InstanceRow {
  id: string;
  record: string;
}

const INSERT = 'INSERT INTO instances (id, v, status, heartbeat_ms, record) VALUES ($1, $2, $3, $4, $5)';
const UPSERT = `${INSERT}
  ON CONFLICT (id) DO UPDATE SET v = excluded.v, status = excluded.status, heartbeat_ms = excluded.heartbeat_ms, record = excluded.record`;

function values(record: InstanceRecord): unknown[] {
  return [record.id, INSTANCE_SCHEMA_VERSION, record.status, Date.parse(record.heartbeatAt), JSON.stringify(record)];
}

async function readInstance(context: PostgresContext, db: Queryable, instanceId: string, lock: boolean): Promise<InstanceRecord | undefined> {
  const [row] = await db.query<InstanceRow>(`SELECT id, record FROM instances WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [instanceId]);
  return row === undefined ? undefined : decodeRow(context, instanceRecordSchema, 'instances', row.id, row.record);
}

/** Adds an instance, or re-registers it keeping its iteration count and metadata. */
export async function register(context: PostgresContext, input: InstanceRegistration): Promise<InstanceRecord> {
  const registration = validateInput(instanceRegistrationSchema, input, 'instance registration');
  const record = await writeTransaction(context, async (tx) => {
    const fresh = registeredRecord(registration, undefined, nowIso(context));
    // Insert first: of two processes registering a new id at once, exactly one sees it as new.
    const inserted = await tx.query(`${INSERT} ON CONFLICT (id) DO NOTHING RETURNING id`, values(fresh));
    if (inserted.length > 0) {
      tx.history('instance', 'registered', fresh.id, fresh);
      return fresh;
    }
    const next = registeredRecord(registration, await readInstance(context, tx, registration.id, true), nowIso(context));
    await tx.query(UPSERT, values(next));
    tx.history('instance', 're-registered', next.id, next);
    return next;
  });
  context.knownInstances.add(record.id);
  return record;
}

async function applyHeartbeat(context: PostgresContext, tx: WriteTransaction, id: string, beat: ReturnType<typeof heartbeatSchema.parse>): Promise<InstanceRecord> {
  const previous = await readInstance(context, tx, id, true);
  if (previous === undefined) throw unregisteredHeartbeat(id);
  const next = beatRecord(previous, beat, nowIso(context));
  await tx.query(UPSERT, values(next));
  const action = beatAction(previous, next, beat);
  if (action !== undefined) tx.history('instance', action, id, next);
  return next;
}

/** Field-by-field change of a heartbeat; history gets an event only when something besides the time changed. */
export function heartbeat(context: PostgresContext, instanceId: string, input: Heartbeat | undefined, cursor?: CursorPosition): Promise<InstanceRecord> {
  const id = validateInput(instanceIdSchema, instanceId, 'instance id');
  const beat = validateInput(heartbeatSchema, input ?? {}, 'heartbeat');
  if (cursor !== undefined) checkCursor(cursor.consumer, cursor.seq);
  return writeTransaction(context, async (tx) => {
    const record = await applyHeartbeat(context, tx, id, beat);
    if (cursor !== undefined) await writeCursor(context, tx, cursor.consumer, cursor.seq);
    return record;
  });
}

/** One instance record, or null. */
export async function getInstance(context: PostgresContext, instanceId: string): Promise<InstanceRecord | null> {
  return (await readInstance(context, reader(context), validateInput(instanceIdSchema, instanceId, 'instance id'), false)) ?? null;
}

/** Every instance, `instance_2` before `instance_10`. */
export async function listInstances(context: PostgresContext): Promise<InstanceRecord[]> {
  const rows = await reader(context).query<InstanceRow>('SELECT id, record FROM instances');
  const records = rows.flatMap((row) => decodeRow(context, instanceRecordSchema, 'instances', row.id, row.record) ?? []);
  return records.sort((a, b) => compareInstanceIds(a.id, b.id));
}

/** Running instances whose last heartbeat is older than `olderThanMs` by the store clock. */
export async function findStale(context: PostgresContext, olderThanMs: number): Promise<InstanceRecord[]> {
  if (!Number.isFinite(olderThanMs)) throw new StoreError('invalid_input', `olderThanMs must be a number, got ${olderThanMs}`);
  const rows = await reader(context).query<InstanceRow>(
    `SELECT id, record FROM instances WHERE heartbeat_ms < $1::float8 AND status NOT IN ('stopped', 'crashed')`,
    [context.clock() - olderThanMs],
  );
  return rows.flatMap((row) => decodeRow(context, instanceRecordSchema, 'instances', row.id, row.record) ?? []);
}
