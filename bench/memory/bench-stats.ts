export { formatNumber, percentile, round } from '../store/stats.js';

/** The arithmetic mean; NaN when there are no values. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Wall-clock ms with sub-millisecond precision. */
export function nowMs(): number {
  return performance.now();
}

/** This process's CPU time (user + system) in ms. */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
