/**
 * The two footprint measurements over live processes: resident memory (one reading per process) and CPU used
 * over a window (two readings of /proc/<pid>/stat, the difference in clock ticks over wall time).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { kilobytesToMegabytes, readPrivateKb, readProcessCpu, readPssKb, readRssKb } from './proc-stats.js';

/** Memory of one process in MB: resident (RSS), proportional (PSS) and private; PSS/private are NaN if unreadable. */
export interface ProcessMemory {
  pid: number;
  rssMb: number;
  pssMb: number;
  privateMb: number;
}

/** Reads the memory of each pid; throws if one has exited (an instance that died is a failed measurement). */
export function measureMemory(pids: readonly number[]): ProcessMemory[] {
  return pids.map((pid) => {
    const rss = readRssKb(pid);
    if (rss === null) throw new Error(`process ${pid} is gone: cannot read its memory`);
    const pss = readPssKb(pid);
    const privateKb = readPrivateKb(pid);
    return {
      pid,
      rssMb: kilobytesToMegabytes(rss),
      pssMb: pss === null ? Number.NaN : kilobytesToMegabytes(pss),
      privateMb: privateKb === null ? Number.NaN : kilobytesToMegabytes(privateKb),
    };
  });
}

/** CPU over one window: per instance and for the orchestrator, in CPU seconds and as % of one core. */
export interface CpuWindow {
  wallSeconds: number;
  instanceCpuSeconds: number[];
  orchestratorCpuSeconds: number;
  /** All instances together, % of one core. */
  instancesPercent: number;
  orchestratorPercent: number;
  /** Instances plus orchestrator, % of one core. */
  totalPercent: number;
}

function ticksOf(pid: number, when: string): number {
  const cpu = readProcessCpu(pid);
  if (cpu === null) throw new Error(`process ${pid} exited ${when} the idle-CPU window`);
  return cpu.ticks;
}

/**
 * Samples utime+stime of every instance and the orchestrator, waits `seconds` (the caller's own process stays
 * asleep meanwhile), samples again. Throws if any process exits during the window.
 */
export async function measureIdleCpu(instancePids: readonly number[], orchestratorPid: number, seconds: number, ticksPerSecond: number): Promise<CpuWindow> {
  const pids = [...instancePids, orchestratorPid];
  const startedAt = performance.now();
  const before = pids.map((pid) => ticksOf(pid, 'before'));
  await sleep(seconds * 1000);
  const after = pids.map((pid) => ticksOf(pid, 'during'));
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const cpuSeconds = after.map((ticks, index) => (ticks - (before[index] ?? ticks)) / ticksPerSecond);
  const instanceCpuSeconds = cpuSeconds.slice(0, instancePids.length);
  const orchestratorCpuSeconds = cpuSeconds[instancePids.length] ?? 0;
  const instancesTotal = instanceCpuSeconds.reduce((sum, value) => sum + value, 0);
  const percent = (cpu: number): number => (cpu / wallSeconds) * 100;
  return {
    wallSeconds,
    instanceCpuSeconds,
    orchestratorCpuSeconds,
    instancesPercent: percent(instancesTotal),
    orchestratorPercent: percent(orchestratorCpuSeconds),
    totalPercent: percent(instancesTotal + orchestratorCpuSeconds),
  };
}

/** Mean of `values`; NaN for none. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Largest of `values`; NaN for none. */
export function largest(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values);
}
