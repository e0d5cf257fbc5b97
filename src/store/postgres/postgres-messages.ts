import type { Message } from '../../protocol/index.js';
import type { Audience } from '../collective-store.js';
import type { ScanResult } from '../follow-sequence.js';
import { type MessageRow, checkCursor, messagePage } from '../shared/message-rows.js';
import { StoreError } from '../store-error.js';
import { type PostgresContext, type Queryable, nowIso, reader } from './postgres-context.js';

/** The columns of MessageRow, named (not `*`) so a later added column cannot change a prepared statement's result. */
export const MESSAGE_COLUMNS = 'seq, id, v, sender, recipient, type, timestamp, content, metadata';

const MAX_LIMIT = 1_000_000;

function checkPage(after: number, limit: number): void {
  if (!Number.isSafeInteger(after)) throw new StoreError('invalid_input', `after must be an integer, got ${after}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new StoreError('invalid_input', `limit must be an integer from 1 to ${MAX_LIMIT}, got ${limit}`);
  }
}

/** Reads messages for an audience after `after`; bad rows are reported, skipped, and still advance `lastSeq`. */
export async function scanMessages(context: PostgresContext, audience: Audience, after: number, limit: number): Promise<ScanResult<Message>> {
  checkPage(after, limit);
  const db = reader(context);
  let rows: MessageRow[];
  if ('instance' in audience) {
    rows = await db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq > $1 AND (recipient = $2 OR (recipient = 'broadcast' AND sender <> $2))
       ORDER BY seq LIMIT $3`,
      [after, audience.instance, limit],
    );
  } else if ('human' in audience) {
    rows = await db.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq > $1 AND recipient = 'human' ORDER BY seq LIMIT $2`, [after, limit]);
  } else {
    rows = await db.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, limit]);
  }
  return messagePage(context, rows, after, limit);
}

/** The highest message sequence so far. */
export async function lastMessageSeq(context: PostgresContext): Promise<number> {
  const [row] = await reader(context).query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM messages');
  return row?.seq ?? 0;
}

/** A consumer's saved position (0 when never saved). */
export async function getCursor(context: PostgresContext, consumer: string): Promise<number> {
  const [row] = await reader(context).query<{ seq: number }>('SELECT seq FROM cursors WHERE consumer = $1', [consumer]);
  return row?.seq ?? 0;
}

/** Saves a cursor; it only moves forward (GREATEST keeps the higher of the stored and the new value). */
export async function saveCursor(context: PostgresContext, consumer: string, seq: number): Promise<void> {
  checkCursor(consumer, seq);
  await writeCursor(context, reader(context), consumer, seq);
}

/** Moves a cursor forward through `target` (the pool, or an open transaction); checked by `checkCursor` first. */
export async function writeCursor(context: PostgresContext, target: Queryable, consumer: string, seq: number): Promise<void> {
  await target.query(
    `INSERT INTO cursors (consumer, seq, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (consumer) DO UPDATE SET seq = GREATEST(cursors.seq, excluded.seq), updated_at = excluded.updated_at`,
    [consumer, seq, nowIso(context)],
  );
}
