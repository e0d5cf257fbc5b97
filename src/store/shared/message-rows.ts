import { MESSAGE_SCHEMA_VERSION, type Message, messageSchema } from '../../protocol/index.js';
import type { BadRecordReport } from '../collective-store.js';
import type { ScanResult } from '../follow-sequence.js';
import { StoreError } from '../store-error.js';
import { decodeRecord } from './records.js';

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

/** What decoding needs from a backend's context: where bad rows are reported. */
interface Reporting {
  readonly reportBadRecord: (report: BadRecordReport) => void;
}

/** A stored row as a message; a row that breaks the schema (or is from a newer build) is reported, undefined. */
export function decodeMessageRow(context: Reporting, row: MessageRow): Message | undefined {
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
  return decodeRecord(context.reportBadRecord, messageSchema, 'messages', `seq ${row.seq}`, candidate);
}

/** One page of messages from its rows; bad rows are reported, skipped, and still advance `lastSeq`. */
export function messagePage(context: Reporting, rows: readonly MessageRow[], after: number, limit: number): ScanResult<Message> {
  const items: Message[] = [];
  for (const row of rows) {
    const message = decodeMessageRow(context, row);
    if (message !== undefined) items.push(message);
  }
  const last = rows.at(-1);
  return { items, lastSeq: last === undefined ? after : last.seq, full: rows.length >= limit };
}

/** Refuses a negative or fractional cursor position, or a consumer name outside 1-200 characters. */
export function checkCursor(consumer: string, seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new StoreError('invalid_input', `cursor must be a non-negative integer, got ${seq}`);
  if (consumer.length === 0 || consumer.length > 200) throw new StoreError('invalid_input', 'cursor name must be 1-200 characters');
}
