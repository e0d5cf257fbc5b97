/** Sleeps `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Keeps one instance to at most `perMinute` model calls in any 60 seconds: a call beyond that waits until the
 * oldest call of the window is a minute old. A burst up to the limit goes at once; a model that never stops is
 * slowed to the limit, so a budget is reached in minutes, not seconds.
 */
export class CallPacer {
  private readonly starts: number[] = [];

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void> = pause,
  ) {}

  /** How long the next call would wait now (ms); 0 when it may go. */
  delayMs(): number {
    if (this.perMinute <= 0) return 0;
    const now = this.clock();
    while (this.starts.length > 0 && now - (this.starts[0] ?? 0) >= 60_000) this.starts.shift();
    if (this.starts.length < this.perMinute) return 0;
    return 60_000 - (now - (this.starts[0] ?? now));
  }

  /** Waits for the next call's slot (or an abort), then counts the call. */
  async wait(signal: AbortSignal): Promise<void> {
    for (let delay = this.delayMs(); delay > 0 && !signal.aborted; delay = this.delayMs()) await this.sleep(delay, signal);
    this.starts.push(this.clock());
  }
}
