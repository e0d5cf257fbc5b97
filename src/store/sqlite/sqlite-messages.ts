import {
  MESSAGE_SCHEMA_VERSION,
  type Message,
  type NewMessage,
  newMessageSchema,
} from '../../protocol/index.js';
import type { Audience } from '../collective-store.js';
import type { ScanResult } from '../follow-sequence.js';
import { type MessageRow, checkCursor, decodeMessageRow, messagePage } from '../shared/message-rows.js';
import { newId } from '../new-id.js';
import { messageClash } from '../shared/replay-rules.js';
import { StoreError } from '../store-error.js';
import { type SqliteContext, appendHistory, nowIso, requireInstance, retryWhileBusy, sql, validateInput } from './sqlite-context.js';

interface PendingPublish {
  message: Omit<Message, 'seq'>;
  resolve: (message: Message) => void;
  reject: (error: unknown) => void;
}

/** Checks a new message and fills in its id and timestamp; throws `invalid_input` or `not_found`. */
export function prepareMessage(context: SqliteContext, input: NewMessage): Omit<Message, 'seq'> {
  const parsed = validateInput(newMessageSchema, input, 'message');
  if (parsed.to !== 'broadcast' && parsed.to !== 'human') requireInstance(context, parsed.to, 'recipient');
  if (parsed.from !== 'human' && parsed.from !== 'orchestrator') requireInstance(context, parsed.from, 'sender');
  return {
    id: parsed.id ?? newId('msg', context.clock()),
    from: parsed.from,
    to: parsed.to,
    type: parsed.type,
    timestamp: parsed.timestamp ?? nowIso(context),
    content: parsed.content,
    metadata: parsed.metadata ?? {},
  };
}

/** The stored message with this id, when there is one: a repeat returns it, other content is a conflict. */
function repeatOf(context: SqliteContext, message: Omit<Message, 'seq'>): Message | undefined {
  const existing = sql(context, 'SELECT * FROM messages WHERE id = ?').get(message.id) as MessageRow | undefined;
  if (existing === undefined) return undefined;
  const decoded = decodeMessageRow(context, existing);
  if (decoded === undefined) throw new StoreError('corrupt', `message ${message.id} exists but cannot be read`);
  const clash = messageClash(decoded, message);
  if (clash !== null) throw clash;
  return decoded;
}

/**
 * Stores one message, or returns the stored one its id repeats. The id is looked up before the insert, not
 * left to `ON CONFLICT DO NOTHING`: with AUTOINCREMENT an ignored insert still uses up a seq, and every turn
 * replayed after a kill -9 would leave a gap in the numbering. (The write transaction is held, so nothing can
 * insert the id in between.)
 */
function insertOne(context: SqliteContext, message: Omit<Message, 'seq'>): Message {
  const repeated = repeatOf(context, message);
  if (repeated !== undefined) return repeated;
  const inserted = sql(
    context,
    `INSERT INTO messages (id, v, sender, recipient, type, timestamp, content, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
  ).get(
    message.id,
    MESSAGE_SCHEMA_VERSION,
    message.from,
    message.to,
    message.type,
    message.timestamp,
    message.content,
    JSON.stringify(message.metadata),
  ) as { seq: number };
  appendHistory(context, 'message', 'published', message.id, null);
  return { ...message, seq: inserted.seq };
}

/**
 * Group commit: publishes made in the same event-loop turn share one transaction, so a process that keeps
 * several publishes in flight pays for one commit. Each promise resolves only after its commit.
 */
export class MessagePublisher {
  private queue: PendingPublish[] = [];

  constructor(private readonly context: SqliteContext) {}

  publish(input: NewMessage): Promise<Message> {
    let message: Omit<Message, 'seq'>;
    try {
      message = prepareMessage(this.context, input);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /**
   * Writes everything queued now, in one transaction. Each message sits in its own savepoint, so one that
   * fails (e.g. its id clashes with an unreadable foreign row) is rejected alone and the others still commit.
   */
  flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const { db } = this.context;
    let outcomes: Array<{ message: Message } | { error: unknown }>;
    try {
      outcomes = retryWhileBusy(this.context.busyTimeoutMs, () => db
        .transaction(() =>
          batch.map((pending) => {
            db.exec('SAVEPOINT one_message');
            try {
              const message = insertOne(this.context, pending.message);
              db.exec('RELEASE one_message');
              return { message };
            } catch (error) {
              if (!StoreError.isInstance(error)) throw error;
              db.exec('ROLLBACK TO one_message');
              db.exec('RELEASE one_message');
              return { error };
            }
          }),
        )
        .immediate());
    } catch (error) {
      const wrapped = new StoreError('unavailable', `could not write messages: ${(error as Error).message}`, { cause: error });
      for (const pending of batch) pending.reject(wrapped);
      return;
    }
    this.context.waker.ring();
    this.context.messageWaker.ring();
    batch.forEach((pending, index) => {
      const outcome = outcomes[index];
      if (outcome !== undefined && 'message' in outcome) pending.resolve(outcome.message);
      else pending.reject(outcome?.error ?? new StoreError('unavailable', 'message was not written'));
    });
  }
}

/** Reads messages for an audience after `after`; bad rows are reported, skipped, and still advance `lastSeq`. */
export function scanMessages(context: SqliteContext, audience: Audience, after: number, limit: number): ScanResult<Message> {
  let rows: MessageRow[];
  if ('instance' in audience) {
    rows = sql(
      context,
      `SELECT * FROM messages WHERE seq > ? AND (recipient = ? OR (recipient = 'broadcast' AND sender <> ?))
       ORDER BY seq LIMIT ?`,
    ).all(after, audience.instance, audience.instance, limit) as MessageRow[];
  } else if ('human' in audience) {
    rows = sql(context, `SELECT * FROM messages WHERE seq > ? AND recipient = 'human' ORDER BY seq LIMIT ?`).all(after, limit) as MessageRow[];
  } else {
    rows = sql(context, 'SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit) as MessageRow[];
  }
  return messagePage(context, rows, after, limit);
}

/** The highest message sequence so far. */
export function lastMessageSeq(context: SqliteContext): number {
  const row = sql(context, 'SELECT MAX(seq) AS seq FROM messages').get() as { seq: number | null };
  return row.seq ?? 0;
}

export function getCursor(context: SqliteContext, consumer: string): number {
  const row = sql(context, 'SELECT seq FROM cursors WHERE consumer = ?').get(consumer) as { seq: number } | undefined;
  return row?.seq ?? 0;
}

/** Moves a cursor forward (a lower value is ignored); checked by `checkCursor` first. Inside a write or on its own. */
export function writeCursor(context: SqliteContext, consumer: string, seq: number): void {
  sql(
    context,
    `INSERT INTO cursors (consumer, seq, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (consumer) DO UPDATE SET seq = MAX(seq, excluded.seq), updated_at = excluded.updated_at`,
  ).run(consumer, seq, nowIso(context));
}

export function saveCursor(context: SqliteContext, consumer: string, seq: number): void {
  checkCursor(consumer, seq);
  retryWhileBusy(context.busyTimeoutMs, () => writeCursor(context, consumer, seq));
}
