/**
 * `npm run bench:instances [-- --quick]`: the footprint of an idle collective. Starts the real orchestrator
 * with 16 scripted instances (no model needed), times how long until all are registered and idle, reads each
 * process's memory and its CPU over an idle window from /proc, stops the collective and checks that no
 * instance outlives it. Prints a table, then the figures as one JSON object on the last line of stdout
 * (`rss_mb_per_instance`, `idle_cpu_pct_total`, `ready_s`, …). Progress goes to stderr.
 *
 * Options: `--quick` (1 s settle, 3 s CPU window instead of 3 s and 10 s), `--instances <n>`, `--window <s>`,
 * `--settle <s>`, `--cold` (start with an empty Node compile cache, as the first run after an install;
 * `code_cache` in the summary says which it was: warm, cold, or none on a Node without module.enableCompileCache). Exits 0 when it measured (targets met or not: see `targets_met`), 1 when it could not, or
 * when an instance crashed or outlived the stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type RunningCollective, createBenchWorkspace, killLeftovers, startCollective, stopCollective, waitUntilReady } from './instances/collective-under-test.js';
import { measureIdleCpu, measureMemory } from './instances/footprint-measure.js';
import { type FootprintPlan, type FootprintResults, humanReport, summary } from './instances/footprint-report.js';
import { clockTicksPerSecond, processRunning, readCpuPressure, readProcessCpu } from './instances/proc-stats.js';
import module from 'node:module';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

function progress(text: string): void {
  process.stderr.write(`bench:instances: ${text}\n`);
}

const argumentsSchema = z.object({
  quick: z.boolean().default(false),
  cold: z.boolean().default(false),
  instances: z.coerce.number().int().min(1).max(32).default(16),
  window: z.coerce.number().positive().optional(),
  settle: z.coerce.number().nonnegative().optional(),
});

/** Which compile cache the launched processes use: Node's own (>= 22.1), started empty with --cold; none before. */
function compileCache(cold: boolean): FootprintPlan['codeCache'] {
  if (typeof (module as { enableCompileCache?: unknown }).enableCompileCache !== 'function') return 'none';
  if (!cold) return 'warm';
  // The launchers call module.enableCompileCache(), which uses NODE_COMPILE_CACHE when it is set.
  process.env.NODE_COMPILE_CACHE = mkdtempSync(join(tmpdir(), 'tachikoma-bench-compile-cache-'));
  return 'cold';
}

function readPlan(): FootprintPlan {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, cold: { type: 'boolean' }, instances: { type: 'string' }, window: { type: 'string' }, settle: { type: 'string' } },
    strict: true,
  });
  const parsed = argumentsSchema.parse(values);
  return {
    instances: parsed.instances,
    quick: parsed.quick,
    codeCache: compileCache(parsed.cold),
    settleSeconds: parsed.settle ?? (parsed.quick ? 1 : 3),
    windowSeconds: parsed.window ?? (parsed.quick ? 3 : 10),
    cores: availableParallelism(),
    clockTicksPerSecond: clockTicksPerSecond(),
    loadAverageAtStart: loadavg()[0] ?? Number.NaN,
    cpuPressureAtStart: readCpuPressure(),
  };
}

/** Set once SIGINT/SIGTERM arrived: the signal handler owns the clean-up and the exit from then on. */
let interrupted = false;

/** Processes and files this run created, so that every exit path can remove them. */
interface Leftovers {
  directory: string;
  collective: RunningCollective | undefined;
  pids: Set<number>;
}

/** Brings down whatever is still running (SIGTERM, then SIGKILL) and removes the temporary folder. */
async function cleanUp(leftovers: Leftovers): Promise<void> {
  const { collective } = leftovers;
  if (collective !== undefined) {
    for (const list of collective.startedPids.values()) for (const pid of list) leftovers.pids.add(pid);
    if (!collective.hasExited()) {
      collective.kill('SIGTERM');
      await Promise.race([collective.exited, sleep(STOP_TIMEOUT_MS)]);
      collective.kill('SIGKILL');
    }
  }
  const killed = killLeftovers(leftovers.pids);
  if (killed.length > 0) progress(`killed leftover instance processes: ${killed.join(', ')}`);
  rmSync(leftovers.directory, { recursive: true, force: true });
}

async function measure(plan: FootprintPlan, leftovers: Leftovers): Promise<FootprintResults> {
  const { workspace, runDirectory } = createBenchWorkspace(leftovers.directory);
  progress(`starting the orchestrator with ${plan.instances} scripted instances`);
  const collective = startCollective(workspace, runDirectory, plan.instances);
  leftovers.collective = collective;
  const readiness = await waitUntilReady(collective, runDirectory, plan.instances, READY_TIMEOUT_MS);
  const pids = readiness.records.flatMap((record) => (record.pid === null ? [] : [record.pid]));
  for (const pid of pids) leftovers.pids.add(pid);
  const cpuPressureAtReady = readCpuPressure();
  // CPU each process has used since it started: what starting up costs, and (summed over the cores) the
  // least time ready_s could take on this box.
  const startupCpuSeconds = pids.map((pid) => (readProcessCpu(pid)?.ticks ?? Number.NaN) / plan.clockTicksPerSecond);
  const orchestratorStartupCpuSeconds = (readProcessCpu(collective.pid)?.ticks ?? Number.NaN) / plan.clockTicksPerSecond;
  progress(`all ${plan.instances} idle after ${readiness.readySeconds.toFixed(2)} s (${readiness.polls} store polls); settling ${plan.settleSeconds} s`);
  await sleep(plan.settleSeconds * 1000);
  const instanceMemory = measureMemory(pids);
  const [orchestratorMemory] = measureMemory([collective.pid]);
  if (orchestratorMemory === undefined) throw new Error('could not read the orchestrator memory');
  progress(`measuring idle CPU over ${plan.windowSeconds} s`);
  const cpu = await measureIdleCpu(pids, collective.pid, plan.windowSeconds, plan.clockTicksPerSecond);
  const loadAverageAtEnd = loadavg()[0] ?? Number.NaN;
  const cpuPressureAtEnd = readCpuPressure();
  progress('stopping the collective (tachikoma stop)');
  const stop = await stopCollective(collective, runDirectory, STOP_TIMEOUT_MS);
  const aliveAfterStop = pids.filter((pid) => processRunning(pid));
  progress(`stopped in ${stop.stopSeconds.toFixed(2)} s by ${stop.method}; instance pids alive afterwards: ${aliveAfterStop.length === 0 ? 'none' : aliveAfterStop.join(', ')}`);
  return {
    plan, readySeconds: readiness.readySeconds, readinessPolls: readiness.polls, pollerCpuSeconds: readiness.pollerCpuSeconds,
    startupCpuSeconds, orchestratorStartupCpuSeconds, instanceMemory, orchestratorMemory, cpu, stop, aliveAfterStop,
    unexpectedExits: collective.unexpectedExits(), incidents: collective.incidents(), loadAverageAtEnd, cpuPressureAtReady, cpuPressureAtEnd,
  };
}

async function main(): Promise<number> {
  const plan = readPlan();
  const leftovers: Leftovers = { directory: mkdtempSync(join(tmpdir(), 'tachikoma-instances-bench-')), collective: undefined, pids: new Set() };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: cleaning up`);
    void cleanUp(leftovers).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let results: FootprintResults;
  try {
    results = await measure(plan, leftovers);
  } catch (error) {
    for (const incident of leftovers.collective?.incidents() ?? []) progress(`orchestrator reported: ${incident}`);
    throw error;
  } finally {
    if (!interrupted) await cleanUp(leftovers);
  }
  process.stdout.write(`${humanReport(results)}\n\n`);
  process.stdout.write(`${JSON.stringify(summary(results))}\n`);
  return results.aliveAfterStop.length === 0 && results.unexpectedExits === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (interrupted) return;
    process.stderr.write(`bench:instances failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
