import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BenchPlan } from './bench-plan.js';
import { type JsonArrayRun, measureJsonArray } from './json-array-scenarios.js';
import type { BackendResults, BenchResults } from './report.js';
import { type IdleCpu, type StoreRun, createBenchStore, measureIdleFollowers, medianRun, prefillStore, runWritersWithReader } from './store-scenarios.js';
import { formatNumber } from './stats.js';

/** Prints a progress line on stderr (stdout is kept for the report and its JSON line). */
export function progress(text: string): void {
  process.stderr.write(`bench:store: ${text}\n`);
}

/** Where one backend's fresh stores come from: a folder per SQLite file, a schema per PostgreSQL collective. */
export interface BenchBackend {
  name: 'sqlite' | 'postgres';
  /** A new, empty store named `name`; returns its spec as `--store` takes it. */
  create(name: string): Promise<string>;
  /** Deletes a store `create` made (it can be large). */
  remove(spec: string): Promise<void>;
}

/** SQLite files in folders under `directory`. */
export function sqliteBackend(directory: string): BenchBackend {
  const folder = (spec: string): string => join(spec, '..');
  return {
    name: 'sqlite',
    create: (name) => {
      const spec = join(directory, name, 'collective.db');
      rmSync(folder(spec), { recursive: true, force: true });
      return Promise.resolve(spec);
    },
    remove: (spec) => {
      rmSync(folder(spec), { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/** Schemas `bench_<name>_<pid>_<random>` on the PostgreSQL server at `url`, dropped after use. */
export function postgresBackend(url: string): BenchBackend {
  const schemaOf = (spec: string): string => new URL(spec).searchParams.get('schema') ?? '';
  return {
    name: 'postgres',
    create: (name) => {
      const schema = `bench_${name.replace(/[^a-z0-9]/g, '_')}_${process.pid}_${randomBytes(3).toString('hex')}`;
      return Promise.resolve(`${url}${url.includes('?') ? '&' : '?'}schema=${schema}`);
    },
    remove: async (spec) => {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schemaOf(spec))} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh store, writers registered, `prefill` messages already in. */
async function freshStore(backend: BenchBackend, name: string, plan: BenchPlan, prefill: number): Promise<string> {
  const storeSpec = await backend.create(name);
  await createBenchStore(storeSpec, plan.writers);
  if (prefill > 0) await prefillStore(storeSpec, prefill, plan.prefillProcesses, plan.contentBytes);
  return storeSpec;
}

/** Runs `work` on a fresh store, then deletes the store. */
async function withFreshStore<T>(backend: BenchBackend, name: string, plan: BenchPlan, prefill: number, work: (storeSpec: string) => Promise<T>): Promise<T> {
  const storeSpec = await freshStore(backend, name, plan, prefill);
  try {
    return await work(storeSpec);
  } finally {
    await backend.remove(storeSpec);
  }
}

/**
 * The four throughput figures of one backend, each the median of `plan.rounds` rounds. The rounds are
 * interleaved (from 0, one at a time, at 10k, at 1m, then again), so load that comes and goes on a shared box
 * hits every figure alike and the at-1m / at-10k ratio stays fair.
 */
async function measureThroughputs(backend: BenchBackend, plan: BenchPlan): Promise<Pick<BackendResults, 'fromEmpty' | 'oneAtATime' | 'atMedium' | 'atLarge' | 'largePrefill'>> {
  const shape = { window: plan.window, contentBytes: plan.contentBytes, maxDurationMs: plan.maxDurationMs, count: plan.perWriter };
  const fresh = (name: string, prefill: number, window: number, count: number): Promise<StoreRun> =>
    withFreshStore(backend, name, plan, prefill, (storeSpec) => runWritersWithReader(storeSpec, plan.writers, { ...shape, window, count }));

  progress(`${backend.name}: pre-filling a store with ${formatNumber(plan.largePrefill)} messages (${plan.prefillProcesses} processes)`);
  return withFreshStore(backend, 'at-large', plan, 0, async (largeSpec) => {
    const largePrefill = await prefillStore(largeSpec, plan.largePrefill, plan.prefillProcesses, plan.contentBytes);
    progress(`  done in ${formatNumber(largePrefill.seconds, 1)} s`);
    const runs: Record<'fromEmpty' | 'oneAtATime' | 'atMedium' | 'atLarge', StoreRun[]> = { fromEmpty: [], oneAtATime: [], atMedium: [], atLarge: [] };
    for (let round = 1; round <= plan.rounds; round += 1) {
      progress(
        `${backend.name} round ${round}/${plan.rounds}: ${plan.writers} writers × ${formatNumber(plan.perWriter)} (window ${plan.window}) from 0, ` +
          `× ${formatNumber(plan.perWriterOneAtATime)} one at a time, then at ${formatNumber(plan.mediumPrefill)} and at ${formatNumber(plan.largePrefill)} stored`,
      );
      runs.fromEmpty.push(await fresh('from-empty', 0, plan.window, plan.perWriter));
      runs.oneAtATime.push(await fresh('one-at-a-time', 0, 1, plan.perWriterOneAtATime));
      runs.atMedium.push(await fresh('at-medium', plan.mediumPrefill, plan.window, plan.perWriter));
      runs.atLarge.push(await runWritersWithReader(largeSpec, plan.writers, shape));
    }
    return {
      fromEmpty: medianRun(runs.fromEmpty),
      oneAtATime: medianRun(runs.oneAtATime),
      atMedium: medianRun(runs.atMedium),
      atLarge: medianRun(runs.atLarge),
      largePrefill,
    };
  });
}

/** Delivery latency: the writers paced to `plan.latencyRatePerSecond` in total, one reader following. */
function measureLatency(backend: BenchBackend, plan: BenchPlan): Promise<StoreRun> {
  progress(`${backend.name}: delivery latency at ${formatNumber(plan.latencyRatePerSecond)} msg/s for ${plan.latencySeconds} s (+ ${plan.latencyWarmupSeconds} s warm-up)`);
  const ratePerWriter = plan.latencyRatePerSecond / plan.writers;
  const pacedSeconds = plan.latencyWarmupSeconds + plan.latencySeconds;
  return withFreshStore(backend, 'latency', plan, 0, (storeSpec) =>
    runWritersWithReader(storeSpec, plan.writers, {
      window: plan.window,
      contentBytes: plan.contentBytes,
      count: Math.round(ratePerWriter * pacedSeconds),
      ratePerSecond: ratePerWriter,
      warmupMs: plan.latencyWarmupSeconds * 1000,
      maxDurationMs: pacedSeconds * 1000 + 10_000,
    }),
  );
}

function measureIdle(backend: BenchBackend, plan: BenchPlan): Promise<IdleCpu> {
  progress(`${backend.name}: idle CPU of ${plan.idleFollowers} followers over ${plan.idleSeconds} s`);
  return withFreshStore(backend, 'idle', plan, 0, (storeSpec) => measureIdleFollowers(storeSpec, plan.idleFollowers, plan.idleSeconds));
}

async function measureBackend(backend: BenchBackend, plan: BenchPlan): Promise<BackendResults> {
  const throughputs = await measureThroughputs(backend, plan);
  const latency = await measureLatency(backend, plan);
  const idle = await measureIdle(backend, plan);
  return { ...throughputs, latency, idle };
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

/** Every measurement of the benchmark, one after another: SQLite files under `directory`, PostgreSQL schemas when `postgresUrl` is given. */
export async function runBench(directory: string, plan: BenchPlan, postgresUrl?: string): Promise<BenchResults> {
  const loadBefore = loadavg()[0] ?? 0;
  const sqlite = await measureBackend(sqliteBackend(directory), plan);
  const postgres = postgresUrl === undefined ? undefined : await measureBackend(postgresBackend(postgresUrl), plan);
  const jsonArrays = await measureJsonArrays(directory, plan);
  const machine = { cpus: availableParallelism(), loadBefore, loadAfter: loadavg()[0] ?? 0 };
  return {
    plan, machine,
    sqliteFromEmpty: sqlite.fromEmpty, sqliteOneAtATime: sqlite.oneAtATime, sqliteAtMedium: sqlite.atMedium, sqliteAtLarge: sqlite.atLarge,
    largePrefill: sqlite.largePrefill, latency: sqlite.latency, idle: sqlite.idle,
    ...(postgres === undefined ? {} : { postgres }),
    ...jsonArrays,
  };
}
