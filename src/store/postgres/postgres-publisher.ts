import { MESSAGE_SCHEMA_VERSION, type Message, type NewMessage, newMessageSchema } from '../../protocol/index.js';
import { newId } from '../new-id.js';
import { StoreError } from '../store-error.js';
import { type PostgresContext, type Queryable, nowIso, pooled, unknownInstance } from './postgres-context.js';
import { ConcurrentInsert, classifyFailure } from './postgres-errors.js';
import { type MessageRow, decodeMessageRow } from '../shared/message-rows.js';
import { messageClash } from '../shared/replay-rules.js';
import { MESSAGE_COLUMNS } from './postgres-messages.js';
import { validateInput } from '../shared/records.js';
import { withRetry } from './postgres-retry.js';

interface PendingPublish {
  message: Omit<Message, 'seq'>;
  resolve: (message: Message) => void;
  reject: (error: unknown) => void;
}

type Outcome = { message: Message } | { error: StoreError };

/** The outcome for `message` when its id is already taken by `stored`: the stored one if it repeats it, else a conflict. */
function repeatOutcome(stored: Outcome | undefined, message: Omit<Message, 'seq'>): Outcome | undefined {
  if (stored === undefined || 'error' in stored) return stored;
  const clash = messageClash(stored.message, message);
  return clash === null ? stored : { error: clash };
}

/** Largest batch written by one statement. */
const MAX_BATCH = 500;

/**
 * Inserts a batch of new messages and their history events and signals followers, in one statement (one
 * implicit transaction). The counters row lock orders it against every other writer: see APPEND_HISTORY.
 */
const INSERT_MESSAGES = `
  WITH counter AS (
    UPDATE counters SET message_seq = message_seq + cardinality($1::text[]), history_seq = history_seq + cardinality($1::text[])
    WHERE id = 1
    RETURNING message_seq - cardinality($1::text[]) AS message_base, history_seq - cardinality($1::text[]) AS history_base
  ), inserted AS (
    INSERT INTO messages (seq, id, v, sender, recipient, type, timestamp, content, metadata)
    SELECT counter.message_base + m.ord, m.id, $8, m.sender, m.recipient, m.type, m.timestamp, m.content, m.metadata
    FROM counter, unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
      WITH ORDINALITY AS m(id, sender, recipient, type, timestamp, content, metadata, ord)
  ), appended AS (
    INSERT INTO history (seq, at, kind, action, entity_id, data)
    SELECT counter.history_base + m.ord, $9, 'message', 'published', m.id, NULL
    FROM counter, unnest($1::text[]) WITH ORDINALITY AS m(id, ord)
  )
  SELECT message_base, pg_notify($10, '') FROM counter`;

/**
 * Group commit: publishes made while a write is in flight are written together by the next statement, so a
 * process that keeps several publishes in flight pays for one commit per batch. Each promise resolves only
 * after its commit. Batches go out one at a time, in call order, so one process's messages keep their order.
 */
export class PostgresPublisher {
  private queue: PendingPublish[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly context: PostgresContext) {}

  publish(input: NewMessage): Promise<Message> {
    let message: Omit<Message, 'seq'>;
    try {
      const parsed = validateInput(newMessageSchema, input, 'message');
      message = {
        id: parsed.id ?? newId('msg', this.context.clock()),
        from: parsed.from,
        to: parsed.to,
        type: parsed.type,
        timestamp: parsed.timestamp ?? nowIso(this.context),
        content: parsed.content,
        metadata: parsed.metadata ?? {},
      };
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.running ??= this.drainQueue();
    });
  }

  /** Resolves once everything queued so far is written (or failed). */
  async drain(): Promise<void> {
    await this.running;
  }

  private async drainQueue(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      const batch = this.queue.splice(0, MAX_BATCH);
      if (batch.length === 0) {
        this.running = undefined;
        return;
      }
      await this.write(batch);
    }
  }

  private async write(batch: PendingPublish[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      outcomes = await withRetry(this.context, { idempotent: true }, () => this.attempt(batch.map((pending) => pending.message)));
    } catch (error) {
      const wrapped = StoreError.isInstance(error) ? error : new StoreError('unavailable', `could not write messages: ${String(error)}`, { cause: error });
      for (const pending of batch) pending.reject(wrapped);
      return;
    }
    this.context.waker.notify();
    batch.forEach((pending, index) => {
      const outcome = outcomes[index];
      if (outcome !== undefined && 'message' in outcome) pending.resolve(outcome.message);
      else pending.reject(outcome?.error ?? new StoreError('unavailable', 'message was not written'));
    });
  }

  /**
   * One try at a batch: check senders and recipients, return the stored message for ids already written, insert
   * the rest. Another process inserting one of the same ids in between makes the insert fail on the unique key;
   * the whole batch is then tried again, and that id is found stored.
   */
  private async attempt(messages: ReadonlyArray<Omit<Message, 'seq'>>): Promise<Outcome[]> {
    const db = pooled(this.context);
    const unknown = await this.unknownInstances(db, messages);
    const existing = await this.existingMessages(db, messages);
    const outcomes: Array<Outcome | undefined> = [];
    const fresh = new Map<string, number[]>();
    for (const [index, message] of messages.entries()) {
      const problem = await this.addressProblem(db, message, unknown);
      if (problem !== undefined) outcomes[index] = { error: problem };
      else if (existing.has(message.id)) outcomes[index] = repeatOutcome(existing.get(message.id), message);
      else fresh.set(message.id, [...(fresh.get(message.id) ?? []), index]);
    }
    if (fresh.size > 0) {
      const firsts = [...fresh.values()].map((indexes) => messages[indexes[0] ?? -1]).filter((message) => message !== undefined);
      const base = await this.insert(firsts);
      firsts.forEach((message, offset) => {
        const stored = { ...message, seq: base + offset + 1 };
        for (const index of fresh.get(message.id) ?? []) outcomes[index] = repeatOutcome({ message: stored }, messages[index] ?? message);
      });
    }
    return messages.map((_, index) => outcomes[index] ?? { error: new StoreError('unavailable', 'message was not written') });
  }

  private async insert(messages: ReadonlyArray<Omit<Message, 'seq'>>): Promise<number> {
    const column = (pick: (message: Omit<Message, 'seq'>) => string): string[] => messages.map(pick);
    try {
      const [row] = await pooled(this.context).query<{ message_base: number }>(INSERT_MESSAGES, [
        column((message) => message.id),
        column((message) => message.from),
        column((message) => message.to),
        column((message) => message.type),
        column((message) => message.timestamp),
        column((message) => message.content),
        column((message) => JSON.stringify(message.metadata)),
        MESSAGE_SCHEMA_VERSION,
        nowIso(this.context),
        this.context.channel,
      ]);
      if (row === undefined) throw new StoreError('corrupt', 'the store schema has no counters row; it was not created by tachikoma or was damaged');
      return row.message_base;
    } catch (error) {
      if (classifyFailure(error) === 'duplicate') throw new ConcurrentInsert(error);
      throw error;
    }
  }

  /** Instance ids named by the batch that are not registered. */
  private async unknownInstances(db: Queryable, messages: ReadonlyArray<Omit<Message, 'seq'>>): Promise<Set<string>> {
    const named = new Set<string>();
    for (const message of messages) {
      if (message.to !== 'broadcast' && message.to !== 'human') named.add(message.to);
      if (message.from !== 'human' && message.from !== 'orchestrator') named.add(message.from);
    }
    const unchecked = [...named].filter((id) => !this.context.knownInstances.has(id));
    if (unchecked.length === 0) return new Set();
    const rows = await db.query<{ id: string }>('SELECT id FROM instances WHERE id = ANY($1::text[])', [unchecked]);
    for (const row of rows) this.context.knownInstances.add(row.id);
    return new Set(unchecked.filter((id) => !this.context.knownInstances.has(id)));
  }

  private async addressProblem(db: Queryable, message: Omit<Message, 'seq'>, unknown: ReadonlySet<string>): Promise<StoreError | undefined> {
    if (unknown.has(message.to)) return unknownInstance(db, message.to, 'recipient');
    if (unknown.has(message.from)) return unknownInstance(db, message.from, 'sender');
    return undefined;
  }

  /** Messages of the batch already stored (a repeated publish): the stored one, or `corrupt` when it cannot be read. */
  private async existingMessages(db: Queryable, messages: ReadonlyArray<Omit<Message, 'seq'>>): Promise<Map<string, Outcome>> {
    const rows = await db.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ANY($1::text[])`, [messages.map((message) => message.id)]);
    return new Map(
      rows.map((row) => {
        const decoded = decodeMessageRow(this.context, row);
        const outcome: Outcome =
          decoded === undefined ? { error: new StoreError('corrupt', `message ${row.id} exists but cannot be read`) } : { message: decoded };
        return [row.id, outcome];
      }),
    );
  }
}
