/** First pause after a failed model call; doubles per failure in a row up to MAX_BACKOFF_MS. */
export const FIRST_BACKOFF_MS = 5000;
export const MAX_BACKOFF_MS = 300_000;

/** The pause before the next try after `failures` failed model calls in a row. */
export function backoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (Math.max(1, failures) - 1));
}
