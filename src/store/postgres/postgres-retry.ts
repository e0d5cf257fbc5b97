import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from '../store-error.js';
import { CommitOutcomeUnknown, classifyFailure, toStoreError } from './postgres-errors.js';

/** What retrying needs to know about the store. */
export interface RetryScope {
  readonly location: string;
  /** How long to keep reconnecting before giving up, in ms. */
  readonly reconnectTimeoutMs: number;
  readonly isClosed: () => boolean;
}

/** How an operation may be retried. */
export interface RetryOptions {
  /** The operation may run twice without harm (reads; publishes, which are idempotent by id). */
  idempotent: boolean;
}

const MAX_CONTENTION_RETRIES = 20;

function closedError(scope: RetryScope): StoreError {
  return new StoreError('closed', `the store at ${scope.location} is closed`);
}

/**
 * Runs `attempt`, retrying on a fresh connection with backoff (50 ms doubling to 2 s) while the server is
 * unreachable, for up to `reconnectTimeoutMs`; retries deadlocks and serialization failures at once.
 * A write whose commit outcome is unknown is retried only when idempotent, else rejected as `unavailable`.
 * Every failure leaves as a StoreError.
 */
export async function withRetry<T>(scope: RetryScope, options: RetryOptions, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + scope.reconnectTimeoutMs;
  let delay = 50;
  let contention = 0;
  for (;;) {
    if (scope.isClosed()) throw closedError(scope);
    try {
      return await attempt();
    } catch (error) {
      if (scope.isClosed() && !StoreError.isInstance(error)) throw closedError(scope);
      if (error instanceof CommitOutcomeUnknown && !options.idempotent) {
        throw new StoreError(
          'unavailable',
          `the connection to PostgreSQL at ${scope.location} dropped while committing: the change may or may not have been applied; read it back before retrying`,
          { cause: error.cause },
        );
      }
      const kind = classifyFailure(error instanceof CommitOutcomeUnknown ? error.cause : error);
      if (kind === 'contention' && contention < MAX_CONTENTION_RETRIES) {
        contention += 1;
        await sleep(Math.random() * 10 * contention);
        continue;
      }
      if (kind !== 'connection') throw toStoreError(error instanceof CommitOutcomeUnknown ? error.cause : error, scope.location);
      if (Date.now() + delay > deadline) {
        const message = error instanceof Error ? error.message : String(error);
        throw new StoreError(
          'unavailable',
          `cannot reach PostgreSQL at ${scope.location} (${message}); gave up after ${scope.reconnectTimeoutMs} ms: check that the server is running and the URL is right`,
          { cause: error },
        );
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
    }
  }
}
