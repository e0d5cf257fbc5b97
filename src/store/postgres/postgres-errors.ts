import { StoreError } from '../store-error.js';

/** What went wrong talking to PostgreSQL, as far as retrying is concerned. */
export type FailureKind = 'connection' | 'contention' | 'duplicate' | 'data' | 'other';

const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300', '25P03']);
const NODE_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = [/connection terminated/i, /not queryable/i, /timeout exceeded when trying to connect/i, /connection.*(closed|ended)/i];

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Sorts a failure: a lost or refused connection (retry on a fresh one), a deadlock or serialization failure
 * (retry the transaction), a unique-key clash, bad data (class 22), or anything else.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (StoreError.isInstance(error)) return 'other';
  const code = codeOf(error);
  if (code !== undefined) {
    if (code.startsWith('08') || CONNECTION_CODES.has(code) || NODE_CONNECTION_CODES.has(code)) return 'connection';
    if (code === '40001' || code === '40P01') return 'contention';
    if (code === '23505') return 'duplicate';
    if (code.startsWith('22')) return 'data';
  }
  const message = error instanceof Error ? error.message : String(error);
  if (CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return 'connection';
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error ? classifyFailure(cause) : 'other';
}

/** Whether `error` is (or wraps) a lost connection. */
export function isConnectionLoss(error: unknown): boolean {
  if (StoreError.isInstance(error)) return error.code === 'unavailable' && error.cause !== undefined && isConnectionLoss(error.cause);
  return classifyFailure(error) === 'connection';
}

/** Turns a driver error into the store's error; StoreErrors pass through unchanged. */
export function toStoreError(error: unknown, location: string): StoreError {
  if (StoreError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (classifyFailure(error) === 'data') return new StoreError('invalid_input', `PostgreSQL refused the value: ${message}`, { cause: error });
  return new StoreError('unavailable', `PostgreSQL at ${location} failed: ${message}`, { cause: error });
}

/** Marks a write whose COMMIT was sent when the connection dropped: it may or may not have been applied. */
export class CommitOutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super('the connection dropped while committing', { cause });
    this.name = 'CommitOutcomeUnknown';
  }
}

/**
 * Another connection inserted one of a batch's message ids between our check and our insert. It carries the
 * serialization-failure code, so the batch is retried like any other contention (and then finds the id stored).
 */
export class ConcurrentInsert extends Error {
  readonly code = '40001';
  constructor(cause: unknown) {
    super('a message id was inserted concurrently', { cause });
    this.name = 'ConcurrentInsert';
  }
}
