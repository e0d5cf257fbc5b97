/** The sizes of one benchmark run; `--quick` shrinks them, the measured quantities and JSON keys stay. */
export interface BenchPlan {
  quick: boolean;
  writers: number;
  contentBytes: number;
  /** Messages per writer in the throughput runs (group commit, `window` in flight). */
  perWriter: number;
  window: number;
  /** Each SQLite throughput figure is the median of this many rounds (the box may be shared and noisy). */
  rounds: number;
  /** Messages per writer when every publish is awaited before the next. */
  perWriterOneAtATime: number;
  /** Time cap of each SQLite throughput run. */
  maxDurationMs: number;
  /** The "10k" pre-fill, and the "1m" pre-fill (smaller under --quick; the key keeps its name). */
  mediumPrefill: number;
  largePrefill: number;
  /** Processes used to pre-fill the store. */
  prefillProcesses: number;
  latencyRatePerSecond: number;
  latencySeconds: number;
  /** Paced sending before the measured latency window (JIT, first statements, caches). */
  latencyWarmupSeconds: number;
  idleFollowers: number;
  idleSeconds: number;
  /** JSON-array baseline: appends per writer from an empty file and from the medium pre-fill, and a time cap. */
  jsonPerWriterFromEmpty: number;
  jsonPerWriterAtMedium: number;
  jsonMaxDurationMs: number;
  jsonReaderPollMs: number;
}

/** The full run (a few minutes) or the quick look (well under a minute). */
export function benchPlan(quick: boolean): BenchPlan {
  const shared = {
    quick,
    writers: 4,
    contentBytes: 200,
    window: 32,
    mediumPrefill: 10_000,
    prefillProcesses: 2,
    latencyRatePerSecond: 1_000,
    idleFollowers: 16,
    jsonReaderPollMs: 250,
  };
  if (quick) {
    return {
      ...shared,
      perWriter: 4_000,
      rounds: 1,
      perWriterOneAtATime: 1_000,
      maxDurationMs: 30_000,
      largePrefill: 100_000,
      latencySeconds: 2,
      latencyWarmupSeconds: 0.5,
      idleSeconds: 3,
      jsonPerWriterFromEmpty: 40,
      jsonPerWriterAtMedium: 10,
      jsonMaxDurationMs: 3_000,
    };
  }
  return {
    ...shared,
    perWriter: 12_500,
    rounds: 3,
    perWriterOneAtATime: 2_500,
    maxDurationMs: 60_000,
    largePrefill: 1_000_000,
    latencySeconds: 5,
    latencyWarmupSeconds: 1,
    idleSeconds: 10,
    jsonPerWriterFromEmpty: 250,
    jsonPerWriterAtMedium: 60,
    jsonMaxDurationMs: 15_000,
  };
}
