import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchPlan } from './bench-plan.js';
import { type JsonArrayRun, measureJsonArray } from './json-array-scenarios.js';
import type { BenchResults } from './report.js';
import {
  type IdleCpu,
  type SqliteRun,
  createBenchStore,
  measureIdleFollowers,
  medianRun,
  prefillStore,
  runWritersWithReader,
} from './sqlite-scenarios.js';
import { type Throughput, formatNumber } from './stats.js';

/** Prints a progress line on stderr (stdout is kept for the report and its JSON line). */
export function progress(text: string): void {
  process.stderr.write(`bench:store: ${text}\n`);
}

/** A fresh store file in its own folder under `directory`, writers registered, `prefill` messages already in. */
async function freshStore(directory: string, name: string, plan: BenchPlan, prefill: number): Promise<string> {
  const storePath = join(directory, name, 'collective.db');
  rmSync(join(storePath, '..'), { recursive: true, force: true });
  await createBenchStore(storePath, plan.writers);
  if (prefill > 0) await prefillStore(storePath, prefill, plan.prefillProcesses, plan.contentBytes);
  return storePath;
}

/** Runs `work` on a fresh store, then deletes the store (it can be large). */
async function withFreshStore<T>(directory: string, name: string, plan: BenchPlan, prefill: number, work: (storePath: string) => Promise<T>): Promise<T> {
  const storePath = await freshStore(directory, name, plan, prefill);
  try {
    return await work(storePath);
  } finally {
    rmSync(join(storePath, '..'), { recursive: true, force: true });
  }
}

interface SqliteThroughputs {
  sqliteFromEmpty: SqliteRun;
  sqliteOneAtATime: SqliteRun;
  sqliteAtMedium: SqliteRun;
  sqliteAtLarge: SqliteRun;
  largePrefill: Throughput;
}

/**
 * The four throughput figures of the SQLite store, each the median of `plan.rounds` rounds. The rounds are
 * interleaved (from 0, one at a time, at 10k, at 1m, then again), so load that comes and goes on a shared box
 * hits every figure alike and the at-1m / at-10k ratio stays fair.
 */
async function measureSqliteThroughputs(directory: string, plan: BenchPlan): Promise<SqliteThroughputs> {
  const shape = { window: plan.window, contentBytes: plan.contentBytes, maxDurationMs: plan.maxDurationMs, count: plan.perWriter };
  const fresh = (name: string, prefill: number, window: number, count: number): Promise<SqliteRun> =>
    withFreshStore(directory, name, plan, prefill, (storePath) => runWritersWithReader(storePath, plan.writers, { ...shape, window, count }));

  progress(`pre-filling a store with ${formatNumber(plan.largePrefill)} messages (${plan.prefillProcesses} processes)`);
  return withFreshStore(directory, 'at-large', plan, 0, async (largePath) => {
    const largePrefill = await prefillStore(largePath, plan.largePrefill, plan.prefillProcesses, plan.contentBytes);
    progress(`  done in ${formatNumber(largePrefill.seconds, 1)} s`);
    const runs: Record<'fromEmpty' | 'oneAtATime' | 'atMedium' | 'atLarge', SqliteRun[]> = { fromEmpty: [], oneAtATime: [], atMedium: [], atLarge: [] };
    for (let round = 1; round <= plan.rounds; round += 1) {
      progress(
        `round ${round}/${plan.rounds}: ${plan.writers} writers × ${formatNumber(plan.perWriter)} (window ${plan.window}) from 0, ` +
          `× ${formatNumber(plan.perWriterOneAtATime)} one at a time, then at ${formatNumber(plan.mediumPrefill)} and at ${formatNumber(plan.largePrefill)} stored`,
      );
      runs.fromEmpty.push(await fresh('from-empty', 0, plan.window, plan.perWriter));
      runs.oneAtATime.push(await fresh('one-at-a-time', 0, 1, plan.perWriterOneAtATime));
      runs.atMedium.push(await fresh('at-medium', plan.mediumPrefill, plan.window, plan.perWriter));
      runs.atLarge.push(await runWritersWithReader(largePath, plan.writers, shape));
    }
    return {
      sqliteFromEmpty: medianRun(runs.fromEmpty),
      sqliteOneAtATime: medianRun(runs.oneAtATime),
      sqliteAtMedium: medianRun(runs.atMedium),
      sqliteAtLarge: medianRun(runs.atLarge),
      largePrefill,
    };
  });
}

/** Delivery latency: the writers paced to `plan.latencyRatePerSecond` in total, one reader following. */
function measureLatency(directory: string, plan: BenchPlan): Promise<SqliteRun> {
  progress(`delivery latency at ${formatNumber(plan.latencyRatePerSecond)} msg/s for ${plan.latencySeconds} s (+ ${plan.latencyWarmupSeconds} s warm-up)`);
  const ratePerWriter = plan.latencyRatePerSecond / plan.writers;
  const pacedSeconds = plan.latencyWarmupSeconds + plan.latencySeconds;
  return withFreshStore(directory, 'latency', plan, 0, (storePath) =>
    runWritersWithReader(storePath, plan.writers, {
      window: plan.window,
      contentBytes: plan.contentBytes,
      count: Math.round(ratePerWriter * pacedSeconds),
      ratePerSecond: ratePerWriter,
      warmupMs: plan.latencyWarmupSeconds * 1000,
      maxDurationMs: pacedSeconds * 1000 + 10_000,
    }),
  );
}

function measureIdle(directory: string, plan: BenchPlan): Promise<IdleCpu> {
  progress(`idle CPU of ${plan.idleFollowers} followers over ${plan.idleSeconds} s`);
  return withFreshStore(directory, 'idle', plan, 0, (storePath) => measureIdleFollowers(storePath, plan.idleFollowers, plan.idleSeconds));
}

async function measureJsonArrays(directory: string, plan: BenchPlan): Promise<{ jsonFromEmpty: JsonArrayRun; jsonAtMedium: JsonArrayRun }> {
  const filePath = join(directory, '.shared_messages.json');
  const shape = { writers: plan.writers, maxDurationMs: plan.jsonMaxDurationMs, contentBytes: plan.contentBytes, readerPollMs: plan.jsonReaderPollMs };
  const cap = `cap ${plan.jsonMaxDurationMs / 1000} s`;
  progress(`json array from 0: ${plan.writers} writers × up to ${plan.jsonPerWriterFromEmpty} appends, ${cap}`);
  const jsonFromEmpty = await measureJsonArray(filePath, { ...shape, prefill: 0, perWriter: plan.jsonPerWriterFromEmpty });
  progress(`json array at ${formatNumber(plan.mediumPrefill)}: ${plan.writers} writers × up to ${plan.jsonPerWriterAtMedium} appends, ${cap}`);
  const jsonAtMedium = await measureJsonArray(filePath, { ...shape, prefill: plan.mediumPrefill, perWriter: plan.jsonPerWriterAtMedium });
  return { jsonFromEmpty, jsonAtMedium };
}

/** Every measurement of the benchmark, one after another, in temporary files under `directory`. */
export async function runBench(directory: string, plan: BenchPlan): Promise<BenchResults> {
  const loadBefore = loadavg()[0] ?? 0;
  const throughputs = await measureSqliteThroughputs(directory, plan);
  const latency = await measureLatency(directory, plan);
  const idle = await measureIdle(directory, plan);
  const jsonArrays = await measureJsonArrays(directory, plan);
  const machine = { cpus: availableParallelism(), loadBefore, loadAfter: loadavg()[0] ?? 0 };
  return { plan, machine, ...throughputs, latency, idle, ...jsonArrays };
}
