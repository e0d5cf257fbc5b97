import type { BenchPlan } from './bench-plan.js';
import type { JsonArrayRun } from './json-array-scenarios.js';
import type { IdleCpu, StoreRun } from './store-scenarios.js';
import { type Throughput, formatNumber, round } from './stats.js';

/** The machine the run had: its cores and its 1-minute load average before and after (other work skews figures; after includes ours). */
export interface MachineLoad {
  cpus: number;
  loadBefore: number;
  loadAfter: number;
}

/** Everything measured of one backend. */
export interface BackendResults {
  fromEmpty: StoreRun;
  oneAtATime: StoreRun;
  atMedium: StoreRun;
  atLarge: StoreRun;
  largePrefill: Throughput;
  latency: StoreRun;
  idle: IdleCpu;
}

/** Everything one benchmark run measured (SQLite's figures at the top level, as before; PostgreSQL's with --backend postgres). */
export interface BenchResults {
  plan: BenchPlan;
  machine: MachineLoad;
  sqliteFromEmpty: StoreRun;
  sqliteOneAtATime: StoreRun;
  sqliteAtMedium: StoreRun;
  sqliteAtLarge: StoreRun;
  largePrefill: Throughput;
  latency: StoreRun;
  idle: IdleCpu;
  postgres?: BackendResults;
  jsonFromEmpty: JsonArrayRun;
  jsonAtMedium: JsonArrayRun;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}

function sqliteRow(name: string, storedBefore: number, run: StoreRun): string[] {
  const { throughput } = run;
  return [
    name,
    formatNumber(storedBefore),
    formatNumber(throughput.written),
    formatNumber(throughput.seconds, 2),
    formatNumber(throughput.messagesPerSecond),
    formatNumber(throughput.cpuMicrosPerMessage),
    run.rounds.length > 1 ? run.rounds.map((value) => formatNumber(value)).join(' / ') : '',
    `${formatNumber(run.delivered)}${run.outOfOrder > 0 ? ` (${run.outOfOrder} out of order!)` : ''}`,
    `${formatNumber(run.p50Ms, 1)} / ${formatNumber(run.p99Ms, 1)}`,
    throughput.failed > 0 ? `${throughput.failed} failed: ${throughput.firstError ?? ''}` : '',
  ];
}

function jsonRow(name: string, run: JsonArrayRun): string[] {
  const lost = run.expectedCount - run.finalCount;
  return [
    name,
    formatNumber(run.expectedCount - run.throughput.written),
    formatNumber(run.throughput.written),
    formatNumber(run.throughput.seconds, 2),
    formatNumber(run.throughput.messagesPerSecond, 1),
    formatNumber(run.throughput.cpuMicrosPerMessage),
    '',
    `file holds ${formatNumber(run.finalCount)}`,
    '',
    lost === 0 ? 'no append lost' : `${lost} appends LOST`,
  ];
}

/** The figures of the JSON line, keyed exactly as the issue asks (plus a few extra keys). */
export function summary(results: BenchResults): Record<string, number | boolean> {
  const ratioAtMedium = results.sqliteAtMedium.throughput.messagesPerSecond / results.jsonAtMedium.throughput.messagesPerSecond;
  const ratioFromEmpty = results.sqliteFromEmpty.throughput.messagesPerSecond / results.jsonFromEmpty.throughput.messagesPerSecond;
  const largeVsMedium = results.sqliteAtLarge.throughput.messagesPerSecond / results.sqliteAtMedium.throughput.messagesPerSecond;
  return {
    sqlite_msgs_per_s: round(results.sqliteFromEmpty.throughput.messagesPerSecond),
    sqlite_msgs_per_s_one_at_a_time: round(results.sqliteOneAtATime.throughput.messagesPerSecond),
    sqlite_msgs_per_s_at_10k: round(results.sqliteAtMedium.throughput.messagesPerSecond),
    sqlite_msgs_per_s_at_1m: round(results.sqliteAtLarge.throughput.messagesPerSecond),
    sqlite_writer_cpu_us_per_msg: round(results.sqliteFromEmpty.throughput.cpuMicrosPerMessage, 1),
    sqlite_writer_cpu_us_per_msg_one_at_a_time: round(results.sqliteOneAtATime.throughput.cpuMicrosPerMessage, 1),
    json_array_msgs_per_s: round(results.jsonFromEmpty.throughput.messagesPerSecond, 1),
    json_array_msgs_per_s_at_10k: round(results.jsonAtMedium.throughput.messagesPerSecond, 1),
    ratio_at_0: round(ratioFromEmpty, 1),
    ratio_at_10k: round(ratioAtMedium, 1),
    at_1m_vs_at_10k: round(largeVsMedium, 3),
    p50_ms: round(results.latency.p50Ms, 2),
    p99_ms: round(results.latency.p99Ms, 2),
    max_ms: round(results.latency.maxMs, 2),
    latency_samples: results.latency.samples,
    idle_cpu_pct_16_followers: round(results.idle.totalPercent, 2),
    idle_seconds: round(results.idle.seconds, 1),
    stored_before_at_1m: results.plan.largePrefill,
    prefill_msgs_per_s: round(results.largePrefill.messagesPerSecond),
    cpus: results.machine.cpus,
    load_avg_before: round(results.machine.loadBefore, 2),
    load_avg_after: round(results.machine.loadAfter, 2),
    quick: results.plan.quick,
    ...(results.postgres === undefined ? {} : postgresSummary(results, results.postgres)),
  };
}

/** The PostgreSQL figures (--backend postgres), the same quantities as SQLite's, and their ratios to SQLite's. */
function postgresSummary(results: BenchResults, postgres: BackendResults): Record<string, number> {
  const rate = (run: StoreRun): number => run.throughput.messagesPerSecond;
  return {
    postgres_msgs_per_s: round(rate(postgres.fromEmpty)),
    postgres_msgs_per_s_one_at_a_time: round(rate(postgres.oneAtATime)),
    postgres_msgs_per_s_at_10k: round(rate(postgres.atMedium)),
    postgres_msgs_per_s_at_1m: round(rate(postgres.atLarge)),
    postgres_writer_cpu_us_per_msg: round(postgres.fromEmpty.throughput.cpuMicrosPerMessage, 1),
    postgres_writer_cpu_us_per_msg_one_at_a_time: round(postgres.oneAtATime.throughput.cpuMicrosPerMessage, 1),
    postgres_at_1m_vs_at_10k: round(rate(postgres.atLarge) / rate(postgres.atMedium), 3),
    postgres_p50_ms: round(postgres.latency.p50Ms, 2),
    postgres_p99_ms: round(postgres.latency.p99Ms, 2),
    postgres_max_ms: round(postgres.latency.maxMs, 2),
    postgres_latency_samples: postgres.latency.samples,
    postgres_idle_cpu_pct_16_followers: round(postgres.idle.totalPercent, 2),
    postgres_prefill_msgs_per_s: round(postgres.largePrefill.messagesPerSecond),
    postgres_vs_sqlite: round(rate(postgres.fromEmpty) / rate(results.sqliteFromEmpty), 3),
    postgres_vs_sqlite_one_at_a_time: round(rate(postgres.oneAtATime) / rate(results.sqliteOneAtATime), 3),
    postgres_vs_sqlite_at_10k: round(rate(postgres.atMedium) / rate(results.sqliteAtMedium), 3),
    postgres_vs_sqlite_at_1m: round(rate(postgres.atLarge) / rate(results.sqliteAtLarge), 3),
    postgres_vs_sqlite_p99: round(postgres.latency.p99Ms / results.latency.p99Ms, 2),
    postgres_vs_json_array_at_10k: round(rate(postgres.atMedium) / results.jsonAtMedium.throughput.messagesPerSecond, 1),
  };
}

/** PostgreSQL beside SQLite: each figure and the ratio postgres / sqlite. */
function comparisonRows(results: BenchResults, postgres: BackendResults): string[][] {
  const rate = (run: StoreRun): number => run.throughput.messagesPerSecond;
  const rows: Array<[string, number, number, number]> = [
    ['msgs/s from 0', rate(results.sqliteFromEmpty), rate(postgres.fromEmpty), 0],
    ['msgs/s one at a time', rate(results.sqliteOneAtATime), rate(postgres.oneAtATime), 0],
    ['msgs/s at 10k', rate(results.sqliteAtMedium), rate(postgres.atMedium), 0],
    [`msgs/s at ${results.plan.quick ? '"1m"' : '1m'}`, rate(results.sqliteAtLarge), rate(postgres.atLarge), 0],
    ['writer CPU µs/msg from 0', results.sqliteFromEmpty.throughput.cpuMicrosPerMessage, postgres.fromEmpty.throughput.cpuMicrosPerMessage, 1],
    ['latency p50 ms (paced)', results.latency.p50Ms, postgres.latency.p50Ms, 2],
    ['latency p99 ms (paced)', results.latency.p99Ms, postgres.latency.p99Ms, 2],
    [`idle CPU % (${results.plan.idleFollowers} followers)`, results.idle.totalPercent, postgres.idle.totalPercent, 2],
    ['pre-fill msgs/s', results.largePrefill.messagesPerSecond, postgres.largePrefill.messagesPerSecond, 0],
  ];
  return rows.map(([name, sqlite, pgValue, digits]) => [name, formatNumber(sqlite, digits), formatNumber(pgValue, digits), `${formatNumber(pgValue / sqlite, 2)}x`]);
}

/** Each issue target: its figure, the bound, and whether it was met. */
function targetRows(figures: Record<string, number | boolean>): string[][] {
  const number = (key: string): number => Number(figures[key]);
  const targets: Array<[string, number, string, boolean]> = [
    ['ratio_at_10k', number('ratio_at_10k'), '>= 100', number('ratio_at_10k') >= 100],
    ['sqlite_msgs_per_s', number('sqlite_msgs_per_s'), '>= 15,000', number('sqlite_msgs_per_s') >= 15_000],
    ['p99_ms', number('p99_ms'), '<= 5', number('p99_ms') <= 5],
    ['sqlite_msgs_per_s_at_1m vs at_10k', number('at_1m_vs_at_10k'), 'within 25% (0.75-1.25)', Math.abs(number('at_1m_vs_at_10k') - 1) <= 0.25],
    ['idle_cpu_pct_16_followers', number('idle_cpu_pct_16_followers'), '<= 2', number('idle_cpu_pct_16_followers') <= 2],
  ];
  return targets.map(([name, value, bound, met]) => [name, formatNumber(value, 2), bound, met ? 'met' : 'NOT MET']);
}

/** The human report: the throughput table, latency, idle CPU and the targets. Ends without the JSON line. */
export function humanReport(results: BenchResults, figures: Record<string, number | boolean>): string[] {
  const { plan } = results;
  const largeName = plan.quick ? `sqlite at "1m" (quick: ${formatNumber(plan.largePrefill)})` : 'sqlite at 1m';
  const header = ['run', 'stored before', 'messages', 'seconds', 'msgs/s', 'writer CPU µs/msg', 'each round msgs/s', 'reader delivered', 'p50/p99 ms', 'notes'];
  const rows = [
    sqliteRow(`sqlite from 0, window ${plan.window}`, 0, results.sqliteFromEmpty),
    sqliteRow('sqlite from 0, one at a time', 0, results.sqliteOneAtATime),
    sqliteRow(`sqlite at 10k, window ${plan.window}`, plan.mediumPrefill, results.sqliteAtMedium),
    sqliteRow(`${largeName}, window ${plan.window}`, plan.largePrefill, results.sqliteAtLarge),
    ...(results.postgres === undefined
      ? []
      : [
          sqliteRow(`postgres from 0, window ${plan.window}`, 0, results.postgres.fromEmpty),
          sqliteRow('postgres from 0, one at a time', 0, results.postgres.oneAtATime),
          sqliteRow(`postgres at 10k, window ${plan.window}`, plan.mediumPrefill, results.postgres.atMedium),
          sqliteRow(`${largeName.replace('sqlite', 'postgres')}, window ${plan.window}`, plan.largePrefill, results.postgres.atLarge),
        ]),
    jsonRow('json array from 0', results.jsonFromEmpty),
    jsonRow('json array at 10k', results.jsonAtMedium),
  ];
  const perFollower = results.idle.perFollowerPercent;
  return [
    `Tachikoma store benchmark${plan.quick ? ' (--quick: smaller sizes, shorter windows)' : ''}: ${plan.writers} writer processes + 1 reader,`,
    `${plan.contentBytes}-byte messages, ${formatNumber(plan.window)} publishes in flight per writer unless "one at a time".`,
    `machine: ${results.machine.cpus} cores; 1-min load average ${formatNumber(results.machine.loadBefore, 2)} before, ` +
      `${formatNumber(results.machine.loadAfter, 2)} after (this bench's own processes included)${results.machine.loadBefore > results.machine.cpus ? ' (BUSY: other work was running, figures are pessimistic)' : ''}.`,
    '',
    ...table(header, rows),
    `(sqlite and postgres rows: msgs/s = total / (last writer done − common start), median round shown; "p50/p99 ms" = the reader's`,
    ` delivery latency while saturated, queueing included; rounds are interleaved across rows and each uses a fresh store,`,
    ` except the 1m rounds, which share one store (it grows by ${formatNumber(plan.writers * plan.perWriter)} per round);`,
    ` json rows: appends under the lock, bounded by count and a time cap; "writer CPU µs/msg" = CPU all writer processes`,
    ` used / messages written, which other load on the box barely changes)`,
    '',
    `pre-fill of ${formatNumber(plan.largePrefill)} messages (${plan.prefillProcesses} processes): ${formatNumber(results.largePrefill.seconds, 1)} s, ${formatNumber(results.largePrefill.messagesPerSecond)} msgs/s`,
    `delivery latency at a paced ${formatNumber(plan.latencyRatePerSecond)} msg/s for ${plan.latencySeconds} s after ${plan.latencyWarmupSeconds} s warm-up (${plan.writers} writers, 1 reader): ` +
      `p50 ${formatNumber(results.latency.p50Ms, 2)} ms, p99 ${formatNumber(results.latency.p99Ms, 2)} ms, max ${formatNumber(results.latency.maxMs, 2)} ms ` +
      `over ${formatNumber(results.latency.samples)} messages (${formatNumber(results.latency.throughput.messagesPerSecond)} msg/s achieved)`,
    `idle CPU of ${plan.idleFollowers} followers over ${formatNumber(results.idle.seconds, 1)} s${plan.quick ? ' (quick: shorter than 10 s)' : ''}: ` +
      `${formatNumber(results.idle.totalPercent, 2)}% of one core in total ` +
      `(per follower ${formatNumber(Math.min(...perFollower), 3)}-${formatNumber(Math.max(...perFollower), 3)}%)`,
    ...(results.postgres === undefined
      ? []
      : [
          '',
          'PostgreSQL, same writers, reader and sizes as SQLite (the server process\'s own CPU is not in these figures):',
          `pre-fill of ${formatNumber(plan.largePrefill)}: ${formatNumber(results.postgres.largePrefill.seconds, 1)} s; ` +
            `latency p50 ${formatNumber(results.postgres.latency.p50Ms, 2)} ms, p99 ${formatNumber(results.postgres.latency.p99Ms, 2)} ms, max ${formatNumber(results.postgres.latency.maxMs, 2)} ms ` +
            `over ${formatNumber(results.postgres.latency.samples)} messages; idle CPU of ${plan.idleFollowers} followers ${formatNumber(results.postgres.idle.totalPercent, 2)}% of one core`,
          '',
          ...table(['figure', 'sqlite', 'postgres', 'postgres / sqlite'], comparisonRows(results, results.postgres)),
        ]),
    '',
    ...table(['target', 'measured', 'bound', ''], targetRows(figures)),
    '',
  ];
}
