import { type HistoryEvent, historyEventSchema } from '../../protocol/index.js';
import type { HistoryQuery } from '../collective-store.js';
import type { ScanResult } from '../follow-sequence.js';
import { StoreError } from '../store-error.js';
import { type SqliteContext, decodeRow, sql } from './sqlite-context.js';

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

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A message event's data is the message itself, read from the messages table (stored once, not twice). */
function eventData(row: HistoryRow): unknown {
  if (row.kind !== 'message') return parseJson(row.data);
  if (row.m_seq === null) return null;
  return {
    id: row.entity_id,
    seq: row.m_seq,
    from: row.m_sender,
    to: row.m_recipient,
    type: row.m_type,
    timestamp: row.m_timestamp,
    content: row.m_content,
    metadata: parseJson(row.m_metadata),
  };
}

/** Reads history after `after`; bad rows are reported and skipped but still advance `lastSeq`. */
export function scanHistory(context: SqliteContext, query: HistoryQuery): ScanResult<HistoryEvent> {
  const limit = query.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new StoreError('invalid_input', `limit must be an integer from 1 to 100000, got ${limit}`);
  }
  const kinds = query.kinds === undefined ? null : JSON.stringify(query.kinds);
  const rows = sql(
    context,
    `SELECT h.*, m.seq AS m_seq, m.sender AS m_sender, m.recipient AS m_recipient, m.type AS m_type,
            m.timestamp AS m_timestamp, m.content AS m_content, m.metadata AS m_metadata
     FROM history h LEFT JOIN messages m ON h.kind = 'message' AND m.id = h.entity_id
     WHERE h.seq > ? AND (? IS NULL OR h.kind IN (SELECT value FROM json_each(?)))
     ORDER BY h.seq LIMIT ?`,
  ).all(query.after, kinds, kinds, limit) as HistoryRow[];
  const items = rows.flatMap((row) => {
    const candidate = { seq: row.seq, at: row.at, kind: row.kind, action: row.action, entityId: row.entity_id, data: eventData(row) };
    return decodeRow(context, historyEventSchema, 'history', `seq ${row.seq}`, candidate) ?? [];
  });
  const last = rows.at(-1);
  return { items, lastSeq: last === undefined ? query.after : last.seq, full: rows.length >= limit };
}

/** The highest history sequence so far. */
export function lastHistorySeq(context: SqliteContext): number {
  const row = sql(context, 'SELECT MAX(seq) AS seq FROM history').get() as { seq: number | null };
  return row.seq ?? 0;
}
