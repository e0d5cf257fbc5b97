import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../../src/store/index.js';
import { nowMs } from './bench-clock.js';
import { type Throughput, combineWriters, percentile } from './stats.js';
import { type WorkerGroup, startWorkers, withTimeout } from './worker-pool.js';
import {
  type FollowerConfig,
  type FollowerResult,
  type WriterConfig,
  followerConfigSchema,
  followerResultSchema,
  writerConfigSchema,
  writerResultSchema,
} from './worker-protocol.js';

const WRITER_SCRIPT = new URL('./writer-process.js', import.meta.url);
const FOLLOWER_SCRIPT = new URL('./follower-process.js', import.meta.url);
const READY_TIMEOUT_MS = 60_000;
/** How long the reader may trail the last writer before it is told to stop and report what it has. */
const DELIVERY_GRACE_MS = 5_000;

/** Ids of the writer instances (registered, so messages come from real instances, to 'broadcast'). */
export function writerIds(writers: number): string[] {
  return Array.from({ length: writers }, (_unused, index) => `instance_${index + 1}`);
}

/** Creates the store at `storeSpec` and registers the writer instances. */
export async function createBenchStore(storeSpec: string, writers: number): Promise<void> {
  const store = await openStore(storeSpec, storeSpec);
  try {
    for (const id of writerIds(writers)) await store.register({ id, role: 'explorer' });
  } finally {
    await store.close();
  }
}

function writerConfigs(storeSpec: string, writers: number, shape: Omit<WriterConfig, 'storeSpec' | 'writerId'>): WriterConfig[] {
  return writerIds(writers).map((writerId) => writerConfigSchema.parse({ storeSpec, writerId, ...shape }));
}

/** Releases the writers together, waits for all of them, and returns their combined throughput. */
async function runWriters(configs: readonly WriterConfig[]): Promise<Throughput> {
  const group = startWorkers(WRITER_SCRIPT, configs, writerResultSchema);
  try {
    await withTimeout(group.ready, READY_TIMEOUT_MS, 'starting the writers');
    group.send({ kind: 'go' });
    const longest = Math.max(...configs.map((config) => config.maxDurationMs));
    return combineWriters(await withTimeout(group.results, longest + 60_000, 'the writers'));
  } finally {
    group.kill();
  }
}

/** Fills the store with `count` messages as fast as the store takes them (big group commits, in parallel). */
export async function prefillStore(storeSpec: string, count: number, processes: number, contentBytes: number): Promise<Throughput> {
  const perProcess = Math.ceil(count / processes);
  return runWriters(writerConfigs(storeSpec, processes, { count: perProcess, window: 2_000, contentBytes, maxDurationMs: 30 * 60_000 }));
}

function startReader(storeSpec: string, expected: number): WorkerGroup<FollowerResult> {
  const config: FollowerConfig = followerConfigSchema.parse({ storeSpec, mode: 'deliver', expected, durationMs: 1 });
  return startWorkers(FOLLOWER_SCRIPT, [config], followerResultSchema);
}

/** The reader's result once it has everything, or once it has trailed the writers by the grace period. */
async function finishReader(reader: WorkerGroup<FollowerResult>): Promise<FollowerResult> {
  const done = await Promise.race([reader.results.then(() => true), sleep(DELIVERY_GRACE_MS).then(() => false)]);
  if (!done) reader.send({ kind: 'stop' });
  const [result] = await withTimeout(reader.results, 30_000, 'the reader');
  if (result === undefined) throw new Error('the reader reported nothing');
  return result;
}

/** What one run of writers + reader measured. */
export interface StoreRun {
  throughput: Throughput;
  delivered: number;
  outOfOrder: number;
  /** Messages with a latency figure (warm-up messages are delivered but not counted here). */
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** msgs/s of every round when the run was repeated (the figures above are the median round's). */
  rounds: number[];
}

/** The run of median throughput, carrying every run's msgs/s in `rounds`. */
export function medianRun(runs: readonly StoreRun[]): StoreRun {
  const sorted = [...runs].sort((left, right) => left.throughput.messagesPerSecond - right.throughput.messagesPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (median === undefined) throw new Error('medianRun needs at least one run');
  return { ...median, rounds: runs.map((run) => run.throughput.messagesPerSecond) };
}


/** Writers (each `perWriter` messages, `window` in flight, optionally paced) while one reader follows everything. */
export async function runWritersWithReader(
  storeSpec: string,
  writers: number,
  shape: Omit<WriterConfig, 'storeSpec' | 'writerId' | 'phaseMs'>,
): Promise<StoreRun> {
  const reader = startReader(storeSpec, shape.count * writers);
  try {
    await withTimeout(reader.ready, READY_TIMEOUT_MS, 'starting the reader');
    const rate = shape.ratePerSecond;
    const configs = writerConfigs(storeSpec, writers, shape).map((config, index) =>
      // Paced writers are spread evenly over one interval of the combined rate, as independent agents would be.
      rate === undefined ? config : { ...config, phaseMs: (index * 1000) / (rate * writers) },
    );
    const throughput = await runWriters(configs);
    const result = await finishReader(reader);
    return {
      throughput,
      delivered: result.received,
      outOfOrder: result.outOfOrder,
      samples: result.latenciesMs.length,
      p50Ms: percentile(result.latenciesMs, 0.5),
      p99Ms: percentile(result.latenciesMs, 0.99),
      maxMs: percentile(result.latenciesMs, 1),
      rounds: [throughput.messagesPerSecond],
    };
  } finally {
    reader.kill();
  }
}

/** CPU used by idle followers over the window: per follower and summed, as % of one core. */
export interface IdleCpu {
  totalPercent: number;
  perFollowerPercent: number[];
  seconds: number;
  received: number;
}

/** Starts `followers` processes that follow the store with nothing being written, and measures their CPU. */
export async function measureIdleFollowers(storeSpec: string, followers: number, seconds: number): Promise<IdleCpu> {
  const config = followerConfigSchema.parse({ storeSpec, mode: 'idle', expected: 0, durationMs: seconds * 1000 });
  const group = startWorkers(FOLLOWER_SCRIPT, Array.from({ length: followers }, () => config), followerResultSchema);
  try {
    await withTimeout(group.ready, READY_TIMEOUT_MS, 'starting the idle followers');
    const startedAt = nowMs();
    group.send({ kind: 'go' });
    const results = await withTimeout(group.results, seconds * 1000 + 60_000, 'the idle followers');
    const perFollowerPercent = results.map((result) => (result.cpuMicros / 1000 / result.wallMs) * 100);
    return {
      totalPercent: perFollowerPercent.reduce((sum, value) => sum + value, 0),
      perFollowerPercent,
      seconds: (nowMs() - startedAt) / 1000,
      received: results.reduce((sum, result) => sum + result.received, 0),
    };
  } finally {
    group.kill();
  }
}
