import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../../src/orchestrator/run-lock.js';
import type { InstanceRecord } from '../../src/protocol/index.js';
import { type CollectiveStore, createSqliteStore } from '../../src/store/index.js';

const CLI = resolve(import.meta.dirname, '../../../bin/tachikoma.js');
const LIVE = new Set(['idle', 'thinking', 'writing', 'tool', 'waiting']);

/** Runs `tachikoma <args>` to the end; stdin text optional. */
export async function tachikoma(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [status] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { status, stdout, stderr };
}

/** Polls `check` until it gives a value, or returns undefined after `timeoutMs`. */
export async function poll<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}

/** One orchestrator process (`tachikoma run`, or `run --resume`) of the soak's collective. */
export class SoakOrchestrator {
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  stderr = '';

  constructor(workspace: string, runDirectory: string, args: readonly string[]) {
    this.child = spawn(process.execPath, [CLI, 'run', '--json', '--no-dashboard', '--workspace', workspace, '--run-dir', runDirectory, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** The run's store, opened for one read and closed again (the soak must not hold it open across kills). */
export async function readStore<T>(runDirectory: string, read: (store: CollectiveStore) => Promise<T>): Promise<T> {
  const store = createSqliteStore(resolve(runDirectory, 'collective.db'), { pollIntervalMs: 1000 });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/** Instances that are registered live with a running process, by id. */
export async function liveInstances(runDirectory: string): Promise<Map<string, InstanceRecord>> {
  const records = await readStore(runDirectory, (store) => store.listInstances()).catch(() => []);
  return new Map(records.filter((record) => record.pid !== null && LIVE.has(record.status) && processAlive(record.pid)).map((record) => [record.id, record]));
}

/** Waits until all `count` instances are live, each with a pid not in `notPids`; returns the ms it took, or null. */
export async function untilAllLive(runDirectory: string, count: number, notPids: ReadonlySet<number>, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  const ready = await poll(async () => {
    const live = await liveInstances(runDirectory);
    return live.size >= count && [...live.values()].every((record) => !notPids.has(record.pid ?? 0)) ? true : undefined;
  }, timeoutMs);
  return ready === undefined ? null : performance.now() - started;
}
