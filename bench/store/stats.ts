import type { WriterResult } from './worker-protocol.js';

/** The `fraction` quantile (0..1) of `values` by nearest rank; NaN when there are none. */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Aggregate of writers started together: messages written, and from the common start to the last finish. */
export interface Throughput {
  written: number;
  failed: number;
  seconds: number;
  messagesPerSecond: number;
  /** CPU all the writers used per message written, in µs: the work per message, whatever else the box runs. */
  cpuMicrosPerMessage: number;
  firstError?: string;
}

/** Total messages / (last finish − earliest start) over writers released by the same 'go'. */
export function combineWriters(results: readonly WriterResult[]): Throughput {
  const start = Math.min(...results.map((result) => result.startedAt));
  const finish = Math.max(...results.map((result) => result.finishedAt));
  const written = results.reduce((sum, result) => sum + result.written, 0);
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  const cpuMicros = results.reduce((sum, result) => sum + result.cpuMicros, 0);
  const seconds = (finish - start) / 1000;
  const throughput: Throughput = {
    written,
    failed,
    seconds,
    messagesPerSecond: seconds > 0 ? written / seconds : 0,
    cpuMicrosPerMessage: written > 0 ? cpuMicros / written : 0,
  };
  const firstError = results.find((result) => result.firstError !== undefined)?.firstError;
  if (firstError !== undefined) throughput.firstError = firstError;
  return throughput;
}

/** Rounds to `digits` decimals (for the JSON line). */
export function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A number for the human table: thousands separated, `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
