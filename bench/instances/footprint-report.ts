/**
 * What one footprint run measured, checked against the targets (16 idle instances on 2 cores: ≤ 80 MB RSS
 * each, ≤ 2% CPU total, all ready in ≤ 3 s), as a human table and as the one-line JSON summary.
 */
import { formatNumber, round } from '../store/stats.js';
import type { StopOutcome } from './collective-under-test.js';
import { type CpuWindow, type ProcessMemory, largest, mean } from './footprint-measure.js';

/** The targets the spec sets. */
export const TARGETS = { rssMbPerInstance: 80, idleCpuPercentTotal: 2, readySeconds: 3 } as const;

/** How the run was set up. */
export interface FootprintPlan {
  instances: number;
  quick: boolean;
  /** Node's compile cache: warm, started empty (`--cold`), or none (a Node without module.enableCompileCache). */
  codeCache: 'warm' | 'cold' | 'none';
  settleSeconds: number;
  windowSeconds: number;
  cores: number;
  clockTicksPerSecond: number;
  /** 1-minute load average when the run began: other work on the box slows `ready_s` down. */
  loadAverageAtStart: number;
  /** CPU pressure (% of time a task waited for a core, last 10 s) when the run began; null without PSI. */
  cpuPressureAtStart: number | null;
}

/** Everything one footprint run measured. */
export interface FootprintResults {
  plan: FootprintPlan;
  readySeconds: number;
  readinessPolls: number;
  /** CPU the bench spent polling the store until ready. */
  pollerCpuSeconds: number;
  /** CPU each instance had used when all were ready (start-up cost), in seconds. */
  startupCpuSeconds: number[];
  orchestratorStartupCpuSeconds: number;
  instanceMemory: ProcessMemory[];
  orchestratorMemory: ProcessMemory;
  cpu: CpuWindow;
  stop: StopOutcome;
  aliveAfterStop: number[];
  unexpectedExits: number;
  /** Unexpected exits, stale kills and give-ups the orchestrator reported, one line each. */
  incidents: string[];
  /** 1-minute load average when the measurements were done. */
  loadAverageAtEnd: number;
  cpuPressureAtReady: number | null;
  cpuPressureAtEnd: number | null;
}

/** Start-up CPU of the instances and the orchestrator together, spread over every core: ready_s cannot be less. */
export function readyFloorSeconds(results: FootprintResults): number {
  const total = results.startupCpuSeconds.reduce((sum, value) => sum + value, 0) + results.orchestratorStartupCpuSeconds;
  return total / results.plan.cores;
}

/** Which targets were met. RSS is held to "each": the largest instance, not the mean, must fit. */
export function targetsMet(results: FootprintResults): { rss: boolean; idle_cpu: boolean; ready: boolean; all: boolean } {
  const rss = largest(results.instanceMemory.map((memory) => memory.rssMb)) <= TARGETS.rssMbPerInstance;
  const idleCpu = results.cpu.totalPercent <= TARGETS.idleCpuPercentTotal;
  const ready = results.readySeconds <= TARGETS.readySeconds;
  return { rss, idle_cpu: idleCpu, ready, all: rss && idleCpu && ready };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}

const verdict = (met: boolean): string => (met ? 'yes' : 'NO');

/** The human report: a table of figures against targets, then the per-process detail. */
export function humanReport(results: FootprintResults): string {
  const { plan, cpu, stop } = results;
  const met = targetsMet(results);
  const rss = results.instanceMemory.map((memory) => memory.rssMb);
  const pss = results.instanceMemory.map((memory) => memory.pssMb);
  const own = results.instanceMemory.map((memory) => memory.privateMb);
  const perInstanceCpu = cpu.instanceCpuSeconds.map((seconds) => (seconds / cpu.wallSeconds) * 100);
  const mb = (value: number): string => `${formatNumber(value, 1)} MB`;
  const pct = (value: number): string => `${formatNumber(value, 2)} %`;
  const rows: string[][] = [
    [`ready: all ${plan.instances} registered and idle`, `${formatNumber(results.readySeconds, 2)} s`, `≤ ${TARGETS.readySeconds} s`, verdict(met.ready)],
    [`  start-up CPU per instance, mean (${plan.instances} together)`, `${formatNumber(mean(results.startupCpuSeconds), 3)} s (${formatNumber(results.startupCpuSeconds.reduce((sum, value) => sum + value, 0), 2)} s)`, '', ''],
    ['  start-up CPU, orchestrator', `${formatNumber(results.orchestratorStartupCpuSeconds, 2)} s`, '', ''],
    [`  CPU floor for ready: all start-up CPU / ${plan.cores} cores`, `${formatNumber(readyFloorSeconds(results), 2)} s`, '', ''],
    ['  CPU of the bench polling the store meanwhile', `${formatNumber(results.pollerCpuSeconds, 2)} s (${results.readinessPolls} polls)`, '', ''],
    ['RSS per instance, mean', mb(mean(rss)), '', ''],
    ['RSS per instance, max (min)', `${mb(largest(rss))} (${formatNumber(Math.min(...rss), 1)})`, `≤ ${TARGETS.rssMbPerInstance} MB`, verdict(met.rss)],
    ['PSS per instance, mean (shared pages split)', mb(mean(pss)), '', ''],
    ['private memory per instance, mean', mb(mean(own)), '', ''],
    ['orchestrator RSS (PSS)', `${mb(results.orchestratorMemory.rssMb)} (${formatNumber(results.orchestratorMemory.pssMb, 1)})`, '', ''],
    [`all ${plan.instances} instances + orchestrator, PSS sum`, mb(pss.reduce((sum, value) => sum + value, 0) + results.orchestratorMemory.pssMb), '', ''],
    [`idle CPU, ${plan.instances} instances`, pct(cpu.instancesPercent), '', ''],
    ['idle CPU, orchestrator', pct(cpu.orchestratorPercent), '', ''],
    ['idle CPU, instances + orchestrator', pct(cpu.totalPercent), `≤ ${TARGETS.idleCpuPercentTotal} %`, verdict(met.idle_cpu)],
    ['idle CPU, busiest instance', pct(largest(perInstanceCpu)), '', ''],
    ['stop', `${formatNumber(stop.stopSeconds, 2)} s (${stop.method}, exit ${String(stop.exitCode)})`, '', ''],
    ['instance pids alive after stop', results.aliveAfterStop.length === 0 ? 'none' : results.aliveAfterStop.join(', '), 'none', verdict(results.aliveAfterStop.length === 0)],
  ];
  if (results.unexpectedExits > 0) rows.push(['unexpected instance exits (crashes)', String(results.unexpectedExits), '0', 'NO']);
  const header = `Footprint of ${plan.instances} idle instances · ${plan.cores} cores · CPU window ${formatNumber(cpu.wallSeconds, 1)} s after ${plan.settleSeconds} s settle · CLK_TCK ${plan.clockTicksPerSecond} · code cache ${plan.codeCache}${plan.quick ? ' · --quick' : ''}`;
  const pressure = (value: number | null): string => (value === null ? 'n/a' : `${formatNumber(value, 0)} %`);
  const load = [
    `box load: 1-min load average ${formatNumber(plan.loadAverageAtStart, 2)} at start, ${formatNumber(results.loadAverageAtEnd, 2)} at end;`,
    `CPU pressure (some avg10) ${pressure(plan.cpuPressureAtStart)} at start, ${pressure(results.cpuPressureAtReady)} at ready, ${pressure(results.cpuPressureAtEnd)} at end`,
  ].join(' ');
  const detail = results.instanceMemory.map(
    (memory, index) => `${String(memory.pid).padStart(8)}  ${formatNumber(memory.rssMb, 1).padStart(6)}  ${formatNumber(memory.pssMb, 1).padStart(6)}  ${formatNumber(perInstanceCpu[index] ?? Number.NaN, 2).padStart(6)}`,
  );
  return [
    header, load, '', ...table(['measure', 'measured', 'target', 'met'], rows), '',
    'per instance:     pid  RSS MB  PSS MB   CPU %', ...detail.map((line) => `              ${line}`),
    ...(results.incidents.length === 0 ? [] : ['', 'incidents reported by the orchestrator:', ...results.incidents.map((line) => `  ${line}`)]),
  ].join('\n');
}

/** The JSON summary printed as the last stdout line. */
export function summary(results: FootprintResults): Record<string, unknown> {
  const rss = results.instanceMemory.map((memory) => memory.rssMb);
  const met = targetsMet(results);
  return {
    rss_mb_per_instance: round(mean(rss), 1),
    idle_cpu_pct_total: round(results.cpu.totalPercent, 2),
    ready_s: round(results.readySeconds, 2),
    startup_cpu_s_per_instance: round(mean(results.startupCpuSeconds), 3),
    orchestrator_startup_cpu_s: round(results.orchestratorStartupCpuSeconds, 2),
    ready_cpu_floor_s: round(readyFloorSeconds(results), 2),
    rss_mb_max: round(largest(rss), 1),
    rss_mb_min: round(Math.min(...rss), 1),
    pss_mb_per_instance: round(mean(results.instanceMemory.map((memory) => memory.pssMb)), 1),
    private_mb_per_instance: round(mean(results.instanceMemory.map((memory) => memory.privateMb)), 1),
    orchestrator_rss_mb: round(results.orchestratorMemory.rssMb, 1),
    idle_cpu_pct_instances: round(results.cpu.instancesPercent, 2),
    idle_cpu_pct_orchestrator: round(results.cpu.orchestratorPercent, 2),
    cpu_window_s: round(results.cpu.wallSeconds, 1),
    instances: results.plan.instances,
    cores: results.plan.cores,
    quick: results.plan.quick,
    code_cache: results.plan.codeCache,
    load_avg_1m_start: round(results.plan.loadAverageAtStart, 2),
    load_avg_1m_end: round(results.loadAverageAtEnd, 2),
    cpu_pressure_pct_start: results.plan.cpuPressureAtStart,
    cpu_pressure_pct_ready: results.cpuPressureAtReady,
    cpu_pressure_pct_end: results.cpuPressureAtEnd,
    stop_s: round(results.stop.stopSeconds, 2),
    stop_method: results.stop.method,
    alive_after_stop: results.aliveAfterStop.length,
    unexpected_exits: results.unexpectedExits,
    targets: { rss_mb_per_instance: TARGETS.rssMbPerInstance, idle_cpu_pct_total: TARGETS.idleCpuPercentTotal, ready_s: TARGETS.readySeconds },
    targets_met: met,
  };
}
