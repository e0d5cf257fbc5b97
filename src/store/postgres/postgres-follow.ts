import { setTimeout as sleep } from 'node:timers/promises';
import type { ScanResult } from '../follow-sequence.js';
import type { PostgresContext } from './postgres-context.js';
import { isConnectionLoss } from './postgres-errors.js';

type Scan<T> = (after: number, limit: number) => Promise<ScanResult<T>>;

/**
 * A follower's scan that outlives the server: it makes sure LISTEN is in place before the first read, and when
 * the connection is lost for longer than one call's retries it keeps waiting (backoff up to 5 s) instead of
 * ending, then resumes after the last seq it delivered. Ends quietly when the signal aborts or the store closes.
 */
export function followWithReconnect<T>(context: PostgresContext, signal: AbortSignal | undefined, scan: Scan<T>): Scan<T> {
  let listening = false;
  return async (after, limit) => {
    if (!listening) {
      listening = true;
      await context.waker.start();
    }
    let delay = 200;
    for (;;) {
      try {
        return await scan(after, limit);
      } catch (error) {
        const stopped = (signal?.aborted ?? false) || context.isClosed();
        if (stopped || !isConnectionLoss(error)) throw error;
      }
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      if ((signal?.aborted ?? false) || context.isClosed()) return { items: [], lastSeq: after, full: false };
      delay = Math.min(delay * 2, 5000);
    }
  };
}
