import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Wall-clock time in ms with sub-millisecond precision. Every process derives it from the same system clock,
 * so a time taken in one process can be subtracted from a time taken in another.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves at wall-clock time `target` (ms), at once when it has passed. */
export async function sleepUntil(target: number): Promise<void> {
  const delay = target - nowMs();
  if (delay > 0) await sleep(delay);
}

/** Message content of exactly `bytes` ASCII bytes, tagged with `tag` so messages differ. */
export function benchContent(bytes: number, tag: string): string {
  const prefix = `${tag} `;
  return (prefix + 'x'.repeat(Math.max(0, bytes - prefix.length))).slice(0, bytes);
}
