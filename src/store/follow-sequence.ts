/** One read of a sequenced source: the valid items, and the highest sequence looked at (bad rows included). */
export interface ScanResult<T> {
  items: T[];
  lastSeq: number;
  /** The read hit its limit: more rows may be waiting right now. */
  full: boolean;
}

/** Waits for "something may have changed", or the fallback interval, or the signal. */
export type WaitForChange = (since: number, signal: AbortSignal | undefined) => Promise<void>;

export interface FollowSequenceOptions<T> {
  after: number;
  batchSize: number;
  signal: AbortSignal | undefined;
  scan: (after: number, limit: number) => Promise<ScanResult<T>>;
  /** A number that changes whenever a wake-up fires; read before each scan so no wake-up is lost. */
  generation: () => number;
  wait: WaitForChange;
  isClosed: () => boolean;
}

/**
 * Yields every item of a sequenced source after `after`, in order, waiting for wake-ups between reads.
 * Bad rows advance the position without being yielded. Ends when the signal aborts or the source closes.
 */
export async function* followSequence<T>(options: FollowSequenceOptions<T>): AsyncGenerator<T, void, undefined> {
  let position = options.after;
  const { signal } = options;
  while (!(signal?.aborted ?? false) && !options.isClosed()) {
    const generation = options.generation();
    let result: ScanResult<T>;
    try {
      result = await options.scan(position, options.batchSize);
    } catch (error) {
      if (options.isClosed()) return;
      throw error;
    }
    const { items, lastSeq, full } = result;
    for (const item of items) {
      if (signal?.aborted ?? false) return;
      yield item;
    }
    if (lastSeq > position) position = lastSeq;
    if (full) continue;
    await options.wait(generation, signal);
  }
}
