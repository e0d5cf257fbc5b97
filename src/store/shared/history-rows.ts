import { type HistoryEvent, historyEventSchema } from '../../protocol/index.js';
import type { BadRecordReport, HistoryQuery } from '../collective-store.js';
import type { ScanResult } from '../follow-sequence.js';
import { StoreError } from '../store-error.js';
import { decodeRecord } from './records.js';

/** A history row joined with its message's columns (the m_ columns; null unless a message event). */
export interface HistoryRow {
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

/** Parses JSON text into `unknown` (for a schema to check next); undefined when it is not JSON. */
export function parseJsonText(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The page size of a history read: an integer from 1 to 100000, 1000 by default. */
export function historyLimit(query: HistoryQuery): number {
  const limit = query.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new StoreError('invalid_input', `limit must be an integer from 1 to 100000, got ${limit}`);
  }
  return limit;
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
    metadata: parseJsonText(row.m_metadata),
  };
}

/** One page of history from its rows; bad rows are reported and skipped but still advance `lastSeq`. */
export function historyPage(
  report: (report: BadRecordReport) => void,
  rows: readonly HistoryRow[],
  after: number,
  limit: number,
): ScanResult<HistoryEvent> {
  const items = rows.flatMap((row) => {
    const candidate = { seq: row.seq, at: row.at, kind: row.kind, action: row.action, entityId: row.entity_id, data: eventData(row) };
    return decodeRecord(report, historyEventSchema, 'history', `seq ${row.seq}`, candidate) ?? [];
  });
  const last = rows.at(-1);
  return { items, lastSeq: last === undefined ? after : last.seq, full: rows.length >= limit };
}
