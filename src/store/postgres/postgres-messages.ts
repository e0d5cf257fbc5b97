import { MESSAGE_SCHEMA_VERSION, type Message, messageSchema } from '../../protocol/index.js';
import type { Audience } from '../collective-store.js';
import type { ScanResult } from '../follow-sequence.js';
import { StoreError } from '../store-error.js';
import { type PostgresContext, decodeRow, nowIso, reader } from './postgres-context.js';

/** One row of the messages table, as stored. */
export interface MessageRow {
  seq: number;
  id: string;
  v: number;
  sender: string;
  recipient: string;
  type: string;
  timestamp: string;
  content: string;
  metadata: string;
}

/** The columns of MessageRow, named (not `*`) so a later added column cannot change a prepared statement's result. */
export const MESSAGE_COLUMNS = 'seq, id, v, sender, recipient, type, timestamp, content, metadata';

const MAX_LIMIT = 1_000_000;

/** A stored row as a message; a row that breaks the schema (or is from a newer build) is reported, undefined. */
export function decodeMessageRow(context: PostgresContext, row: MessageRow): Message | undefined {
  let metadata: unknown;
  try {
    metadata = JSON.parse(row.metadata);
  } catch {
    metadata = row.metadata;
  }
  if (row.v > MESSAGE_SCHEMA_VERSION) {
    context.reportBadRecord({ table: 'messages', key: `seq ${row.seq}`, issues: [`schema version ${row.v} is newer than this build understands`] });
    return undefined;
  }
  const candidate = {
    id: row.id,
    seq: row.seq,
    from: row.sender,
    to: row.recipient,
    type: row.type,
    timestamp: row.timestamp,
    content: row.content,
    metadata,
  };
  return decodeRow(context, messageSchema, 'messages', `seq ${row.seq}`, candidate);
}

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
  const items: Message[] = [];
  for (const row of rows) {
    const message = decodeMessageRow(context, row);
    if (message !== undefined) items.push(message);
  }
  const last = rows.at(-1);
  return { items, lastSeq: last === undefined ? after : last.seq, full: rows.length >= limit };
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
  if (!Number.isSafeInteger(seq) || seq < 0) throw new StoreError('invalid_input', `cursor must be a non-negative integer, got ${seq}`);
  if (consumer.length === 0 || consumer.length > 200) throw new StoreError('invalid_input', 'cursor name must be 1-200 characters');
  await reader(context).query(
    `INSERT INTO cursors (consumer, seq, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (consumer) DO UPDATE SET seq = GREATEST(cursors.seq, excluded.seq), updated_at = excluded.updated_at`,
    [consumer, seq, nowIso(context)],
  );
}
