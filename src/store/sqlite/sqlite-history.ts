import type { HistoryEvent } from '../../protocol/index.js';
import type { HistoryQuery } from '../collective-store.js';
import type { ScanResult } from '../follow-sequence.js';
import { type HistoryRow, historyLimit, historyPage } from '../shared/history-rows.js';
import { type SqliteContext, sql } from './sqlite-context.js';

/** Reads history after `after`; bad rows are reported and skipped but still advance `lastSeq`. */
export function scanHistory(context: SqliteContext, query: HistoryQuery): ScanResult<HistoryEvent> {
  const limit = historyLimit(query);
  const kinds = query.kinds === undefined ? null : JSON.stringify(query.kinds);
  const rows = sql(
    context,
    `SELECT h.*, m.seq AS m_seq, m.sender AS m_sender, m.recipient AS m_recipient, m.type AS m_type,
            m.timestamp AS m_timestamp, m.content AS m_content, m.metadata AS m_metadata
     FROM history h LEFT JOIN messages m ON h.kind = 'message' AND m.id = h.entity_id
     WHERE h.seq > ? AND (? IS NULL OR h.kind IN (SELECT value FROM json_each(?)))
     ORDER BY h.seq LIMIT ?`,
  ).all(query.after, kinds, kinds, limit) as HistoryRow[];
  return historyPage(context.reportBadRecord, rows, query.after, limit);
}

/** The highest history sequence so far. */
export function lastHistorySeq(context: SqliteContext): number {
  const row = sql(context, 'SELECT MAX(seq) AS seq FROM history').get() as { seq: number | null };
  return row.seq ?? 0;
}
