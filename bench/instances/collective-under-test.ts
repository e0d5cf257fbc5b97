/**
 * The collective the footprint bench measures: a workspace whose scripted brain needs no model, the real
 * `tachikoma run` orchestrator process started from the built CLI, a readiness probe that reads the store
 * directly, and a graceful stop (`tachikoma stop`, then SIGTERM, then SIGKILL).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { z } from 'zod';
import { runPaths } from '../../src/core/run-paths.js';
import { cliEntryPath, instanceBundlePath } from '../../src/orchestrator/instance-command.js';
import type { InstanceRecord } from '../../src/protocol/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { processRunning } from './proc-stats.js';

const execFileAsync = promisify(execFile);
const STDERR_TAIL_CHARS = 2000;

/** A fresh workspace and run directory under `directory`: scripted brain, empty script (one turn, then idle). */
export function createBenchWorkspace(directory: string): { workspace: string; runDirectory: string } {
  const workspace = join(directory, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const config = { brain: 'scripted', brainOptions: { script: 'script.json' }, idleCheckMs: 30_000 };
  writeFileSync(join(workspace, 'tachikoma.config.json'), `${JSON.stringify(config)}\n`);
  writeFileSync(join(workspace, 'script.json'), `${JSON.stringify({ version: 1 })}\n`);
  return { workspace, runDirectory: join(directory, 'run') };
}

const eventLineSchema = z.looseObject({ type: z.string() });
const instanceStartedSchema = z.looseObject({ type: z.literal('instance_started'), id: z.string(), pid: z.number().int().positive() });
const instanceExitedSchema = z.looseObject({
  type: z.literal('instance_exited'), id: z.string(), expected: z.boolean(), code: z.number().nullable(), signal: z.string().nullable(), stderrTail: z.string(),
});
const instanceStaleSchema = z.looseObject({ type: z.literal('instance_stale'), id: z.string(), silentMs: z.number() });
const instanceGaveUpSchema = z.looseObject({ type: z.literal('instance_gave_up'), id: z.string(), crashes: z.number() });

/** One line describing an event that should not happen in an idle collective, or null for the others. */
function describeIncident(raw: unknown): string | null {
  const exited = instanceExitedSchema.safeParse(raw);
  if (exited.success && !exited.data.expected) {
    const { id, code, signal, stderrTail } = exited.data;
    return `${id} exited unexpectedly (code ${String(code)}, signal ${String(signal)})${stderrTail.trim() === '' ? '' : `: ${stderrTail.trim().split('\n').slice(-2).join(' | ')}`}`;
  }
  const stale = instanceStaleSchema.safeParse(raw);
  if (stale.success) return `${stale.data.id} was killed as stale by the orchestrator (silent for ${Math.round(stale.data.silentMs / 1000)} s)`;
  const gaveUp = instanceGaveUpSchema.safeParse(raw);
  if (gaveUp.success) return `${gaveUp.data.id}: the orchestrator gave up after ${gaveUp.data.crashes} crashes`;
  return null;
}

/** A running `tachikoma run --json` orchestrator and what its event lines have told so far. */
export interface RunningCollective {
  readonly pid: number;
  /** performance.now() just before the orchestrator was spawned. */
  readonly spawnedAt: number;
  /** Every instance pid the orchestrator reported starting (restarts included). */
  readonly startedPids: Map<string, number[]>;
  /** Resolves when the orchestrator process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Instance exits the orchestrator did not expect (crashes, stale kills). */
  unexpectedExits(): number;
  /** One line per unexpected exit, stale kill or give-up, in the order the orchestrator reported them. */
  incidents(): string[];
  /** The end of the orchestrator's stderr, for error messages. */
  stderrTail(): string;
  hasExited(): boolean;
  kill(signal: NodeJS.Signals): void;
}

/** Spawns the orchestrator (`node bin/tachikoma.js run … --json`) and follows its JSON event lines. */
export function startCollective(workspace: string, runDirectory: string, instances: number): RunningCollective {
  const spawnedAt = performance.now();
  const args = [cliEntryPath(), 'run', '--workspace', workspace, '--run-dir', runDirectory, '--instances', String(instances), '--json'];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the orchestrator (node bin/tachikoma.js run)');
  const startedPids = new Map<string, number[]>();
  let unexpected = 0;
  const incidents: string[] = [];
  let stderr = '';
  let pending = '';
  let exitedYet = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        continue;
      }
      if (!eventLineSchema.safeParse(raw).success) continue;
      const started = instanceStartedSchema.safeParse(raw);
      if (started.success) startedPids.set(started.data.id, [...(startedPids.get(started.data.id) ?? []), started.data.pid]);
      const exited = instanceExitedSchema.safeParse(raw);
      if (exited.success && !exited.data.expected) unexpected += 1;
      const incident = describeIncident(raw);
      if (incident !== null) incidents.push(incident);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedYet = true;
      resolve({ code, signal });
    });
  });
  child.on('error', () => undefined);
  return {
    pid, spawnedAt, startedPids, exited,
    unexpectedExits: () => unexpected,
    incidents: () => [...incidents],
    stderrTail: () => stderr.trim(),
    hasExited: () => exitedYet,
    kill: (signal) => {
      if (!exitedYet) child.kill(signal);
    },
  };
}

/** When every instance first showed as registered and idle, and the registry at that moment. */
export interface Readiness {
  readySeconds: number;
  records: InstanceRecord[];
  polls: number;
  /** CPU the bench itself spent polling the store meanwhile (it shares the cores with the collective). */
  pollerCpuSeconds: number;
}

/**
 * Polls the run's store every `pollMs` until `instances` instances are registered with status `idle` and a
 * pid. The store is opened only once `run.json` exists (the orchestrator has migrated and registered by then),
 * and is closed before returning, so the bench is not one more process holding the file during measurement.
 */
export async function waitUntilReady(collective: RunningCollective, runDirectory: string, instances: number, timeoutMs: number, pollMs = 50): Promise<Readiness> {
  const paths = runPaths(runDirectory);
  const deadline = collective.spawnedAt + timeoutMs;
  const check = (): void => {
    if (collective.hasExited()) throw new Error(`the orchestrator exited before the instances were ready: ${collective.stderrTail() || '(no stderr)'}`);
    if (performance.now() > deadline) throw new Error(`the instances were not all idle within ${timeoutMs / 1000} s`);
  };
  while (!existsSync(paths.runFile)) {
    check();
    await sleep(pollMs);
  }
  const store = createSqliteStore(paths.store);
  const pollerCpu = process.cpuUsage();
  let polls = 0;
  try {
    for (;;) {
      check();
      polls += 1;
      const records = await store.listInstances();
      const idle = records.filter((record) => record.status === 'idle' && record.pid !== null);
      if (idle.length >= instances) {
        const used = process.cpuUsage(pollerCpu);
        return { readySeconds: (performance.now() - collective.spawnedAt) / 1000, records, polls, pollerCpuSeconds: (used.user + used.system) / 1e6 };
      }
      await sleep(pollMs);
    }
  } finally {
    await store.close();
  }
}

/** How the collective was brought down. */
export interface StopOutcome {
  method: 'stop command' | 'SIGTERM' | 'SIGKILL';
  stopSeconds: number;
  exitCode: number | null;
}

async function exitedWithin(collective: RunningCollective, timeoutMs: number): Promise<boolean> {
  const timer = sleep(timeoutMs).then(() => false);
  return Promise.race([collective.exited.then(() => true), timer]);
}

/** Stops the collective with `tachikoma stop`; falls back to SIGTERM, then SIGKILL, if it does not exit in time. */
export async function stopCollective(collective: RunningCollective, runDirectory: string, timeoutMs: number): Promise<StopOutcome> {
  const started = performance.now();
  const outcome = async (method: StopOutcome['method']): Promise<StopOutcome> => {
    const { code } = await collective.exited;
    return { method, stopSeconds: (performance.now() - started) / 1000, exitCode: code };
  };
  try {
    await execFileAsync(process.execPath, [cliEntryPath(), 'stop', '--run-dir', runDirectory, '--timeout', String(timeoutMs / 1000)], { timeout: timeoutMs + 5000 });
  } catch {
    // The fallbacks below handle a stop command that failed or hung.
  }
  if (await exitedWithin(collective, 2000)) return outcome('stop command');
  collective.kill('SIGTERM');
  if (await exitedWithin(collective, timeoutMs)) return outcome('SIGTERM');
  collective.kill('SIGKILL');
  return outcome('SIGKILL');
}

/** Is `pid` a running process started from this package's CLI or instance entry (so killing it cannot hit a reused pid)? */
function isOurProcess(pid: number): boolean {
  try {
    const commandLine = processRunning(pid) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
    return commandLine.includes(cliEntryPath()) || commandLine.includes(instanceBundlePath());
  } catch {
    return false;
  }
}

/** SIGKILLs each of `pids` still running our CLI or instance entry; returns those it had to kill. Safe on any error path. */
export function killLeftovers(pids: Iterable<number>): number[] {
  const killed: number[] = [];
  for (const pid of new Set(pids)) {
    if (!isOurProcess(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // Gone between the check and the kill: nothing left to do.
    }
  }
  return killed;
}
