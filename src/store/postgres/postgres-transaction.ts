import type { HistoryKind } from '../../protocol/index.js';
import { type PostgresContext, type Queryable, nowIso, statement } from './postgres-context.js';
import { CommitOutcomeUnknown, classifyFailure } from './postgres-errors.js';
import { withRetry } from './postgres-retry.js';

/** One open write transaction: SQL on its connection, plus the history events it will append at commit. */
export interface WriteTransaction extends Queryable {
  /** Queues one change for the ordered history; the events are appended, in order, just before COMMIT. */
  history(kind: HistoryKind, action: string, entityId: string, data: unknown): void;
}

interface HistoryEntry {
  at: string;
  kind: HistoryKind;
  action: string;
  entityId: string;
  data: string | null;
}

/**
 * Queues the transaction's history events, in order, as one `history_pending` row. Its deferred trigger
 * (see postgres-migrations.ts) numbers them from the counters row at COMMIT and signals followers.
 */
async function queueHistory(db: Queryable, events: readonly HistoryEntry[]): Promise<void> {
  await db.query('INSERT INTO history_pending (ats, kinds, actions, entity_ids, datas) VALUES ($1, $2, $3, $4, $5)', [
    events.map((event) => event.at),
    events.map((event) => event.kind),
    events.map((event) => event.action),
    events.map((event) => event.entityId),
    events.map((event) => event.data),
  ]);
}

/**
 * Runs `work` in one READ COMMITTED transaction on one connection, queues its history events, and commits:
 * durable when the promise resolves. A deadlock or a connection lost before COMMIT re-runs `work` from the
 * start (it must only touch the database through `tx`); a connection lost during COMMIT is reported, not retried.
 */
export function writeTransaction<T>(context: PostgresContext, work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
  return withRetry(context, { idempotent: false }, async () => {
    const client = await context.pool.connect();
    let discard = false;
    let committing = false;
    try {
      await client.query('BEGIN');
      const events: HistoryEntry[] = [];
      const tx: WriteTransaction = {
        query: async <R extends object>(text: string, values?: readonly unknown[]) => (await client.query<R>(statement(text, values))).rows,
        history: (kind, action, entityId, data) => {
          events.push({ at: nowIso(context), kind, action, entityId, data: data === null ? null : JSON.stringify(data) });
        },
      };
      const result = await work(tx);
      if (events.length > 0) await queueHistory(tx, events);
      committing = true;
      await client.query('COMMIT');
      if (events.length > 0) context.waker.notify();
      return result;
    } catch (error) {
      discard = classifyFailure(error) === 'connection';
      if (!committing && !discard) {
        await client.query('ROLLBACK').catch(() => {
          discard = true;
        });
      }
      if (committing && discard) throw new CommitOutcomeUnknown(error);
      throw error;
    } finally {
      client.release(discard);
    }
  });
}
