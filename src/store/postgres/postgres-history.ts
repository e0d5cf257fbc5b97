import type { HistoryEvent } from '../../protocol/index.js';
import type { HistoryQuery } from '../collective-store.js';
import type { ScanResult } from '../follow-sequence.js';
import { type HistoryRow, historyLimit, historyPage } from '../shared/history-rows.js';
import { StoreError } from '../store-error.js';
import { type PostgresContext, reader } from './postgres-context.js';

/** Reads history after `after`; bad rows are reported and skipped but still advance `lastSeq`. */
export async function scanHistory(context: PostgresContext, query: HistoryQuery): Promise<ScanResult<HistoryEvent>> {
  const limit = historyLimit(query);
  if (!Number.isSafeInteger(query.after)) throw new StoreError('invalid_input', `after must be an integer, got ${query.after}`);
  const rows = await reader(context).query<HistoryRow>(
    `SELECT h.*, m.seq AS m_seq, m.sender AS m_sender, m.recipient AS m_recipient, m.type AS m_type,
            m.timestamp AS m_timestamp, m.content AS m_content, m.metadata AS m_metadata
     FROM history h LEFT JOIN messages m ON h.kind = 'message' AND m.id = h.entity_id
     WHERE h.seq > $1 AND ($2::text[] IS NULL OR h.kind = ANY($2::text[]))
     ORDER BY h.seq LIMIT $3`,
    [query.after, query.kinds ?? null, limit],
  );
  return historyPage(context.reportBadRecord, rows, query.after, limit);
}

/** The highest history sequence so far. */
export async function lastHistorySeq(context: PostgresContext): Promise<number> {
  const [row] = await reader(context).query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM history');
  return row?.seq ?? 0;
}
