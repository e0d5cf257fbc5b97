import { type HistoryEvent, historyEventSchema } from '../../protocol/index.js';
import type { HistoryQuery } from '../collective-store.js';
import type { ScanResult } from '../follow-sequence.js';
import { StoreError } from '../store-error.js';
import { type PostgresContext, decodeRow, reader } from './postgres-context.js';
import { parseJsonText } from './postgres-records.js';

interface HistoryRow {
  seq: number;
  at: string;
  kind: string;
  action: string;
  entity_id: string;
  data: string | null;
  m_seq: number | null;
  m_sender: string | null;
  m_recipient: string | null;
  m_type: string | null;
  m_timestamp: string | null;
  m_content: string | null;
  m_metadata: string | null;
}

/** A message event's data is the message itself, read from the messages table (stored once, not twice). */
function eventData(row: HistoryRow): unknown {
  if (row.kind !== 'message') return parseJsonText(row.data);
  if (row.m_seq === null) return null;
  return {
    id: row.entity_id,
    seq: row.m_seq,
    from: row.m_sender,
    to: row.m_recipient,
    type: row.m_type,
    timestamp: row.m_timestamp,
    content: row.m_content,
    metadata: row.m_metadata === null ? null : parseJsonText(row.m_metadata),
  };
}

/** Reads history after `after`; bad rows are reported and skipped but still advance `lastSeq`. */
export async function scanHistory(context: PostgresContext, query: HistoryQuery): Promise<ScanResult<HistoryEvent>> {
  const limit = query.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new StoreError('invalid_input', `limit must be an integer from 1 to 100000, got ${limit}`);
  }
  if (!Number.isSafeInteger(query.after)) throw new StoreError('invalid_input', `after must be an integer, got ${query.after}`);
  const rows = await reader(context).query<HistoryRow>(
    `SELECT h.*, m.seq AS m_seq, m.sender AS m_sender, m.recipient AS m_recipient, m.type AS m_type,
            m.timestamp AS m_timestamp, m.content AS m_content, m.metadata AS m_metadata
     FROM history h LEFT JOIN messages m ON h.kind = 'message' AND m.id = h.entity_id
     WHERE h.seq > $1 AND ($2::text[] IS NULL OR h.kind = ANY($2::text[]))
     ORDER BY h.seq LIMIT $3`,
    [query.after, query.kinds ?? null, limit],
  );
  const items = rows.flatMap((row) => {
    const candidate = { seq: row.seq, at: row.at, kind: row.kind, action: row.action, entityId: row.entity_id, data: eventData(row) };
    return decodeRow(context, historyEventSchema, 'history', `seq ${row.seq}`, candidate) ?? [];
  });
  const last = rows.at(-1);
  return { items, lastSeq: last === undefined ? query.after : last.seq, full: rows.length >= limit };
}

/** The highest history sequence so far. */
export async function lastHistorySeq(context: PostgresContext): Promise<number> {
  const [row] = await reader(context).query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM history');
  return row?.seq ?? 0;
}
