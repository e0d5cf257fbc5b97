import type { MemoryBenchPlan } from './bench-plan.js';
import { formatNumber, mean, percentile, round } from './bench-stats.js';
import type { FillResult } from './fill-store.js';
import type { DedupeRun } from './measure-dedupe.js';
import type { ContextRun, RetrievalRun } from './measure-retrieval.js';

/** Targets from the issue. */
const TARGETS = { recallAt10: 0.9, contextTokens: 6_000, searchMsP99: 50 } as const;

/** What describes the labelled set's difficulty. */
export interface CorpusFacts {
  planted: number;
  /** Planted memories sharing no word with their query except the code's own names. */
  withoutSharedWord: number;
  /** Planted memories naming their file by its bare name only, not its path. */
  byFileNameOnly: number;
  /** Tokens of every stored memory rendered as context lines (what carrying all of memory would cost). */
  wholeMemoryTokens: number;
}

/** Everything one memory benchmark run measured. */
export interface MemoryBenchResults {
  plan: MemoryBenchPlan;
  machine: { cpus: number; loadBefore: number; loadAfter: number };
  facts: CorpusFacts;
  fill: FillResult;
  baseline: RetrievalRun;
  retrieval: RetrievalRun;
  ablations: RetrievalRun[];
  context: ContextRun;
  dedupe: DedupeRun;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}

function retrievalRow(run: RetrievalRun): string[] {
  return [
    run.name,
    formatNumber(run.recallAt10, 3),
    `${run.complete}/${run.queries}`,
    formatNumber(percentile(run.wallMs, 0.5), 1),
    formatNumber(percentile(run.wallMs, 0.99), 1),
    formatNumber(percentile(run.cpuMs, 0.99), 1),
  ];
}

function share(part: number, whole: number): string {
  return `${formatNumber(part)}/${formatNumber(whole)} (${formatNumber((100 * part) / Math.max(1, whole), 1)} %)`;
}

/** The figures as one flat JSON object (the last stdout line). Key names stay the same under --quick. */
export function memorySummary(results: MemoryBenchResults): Record<string, number | boolean> {
  const { retrieval, baseline, context, dedupe, fill, machine, plan } = results;
  const searchP99 = percentile(retrieval.wallMs, 0.99);
  const contextMax = Math.max(0, ...context.tokens);
  return {
    memories: plan.size,
    queries: retrieval.queries,
    quick: plan.quick,
    recall_at_10: round(retrieval.recallAt10, 3),
    recall_at_10_bm25: round(baseline.recallAt10, 3),
    context_tokens_at_100k: contextMax,
    context_tokens_p50_at_100k: percentile(context.tokens, 0.5),
    context_budget_tokens: context.budgetTokens,
    whole_memory_tokens_at_100k: results.facts.wholeMemoryTokens,
    search_ms_p99_at_100k: round(searchP99, 1),
    search_ms_p50_at_100k: round(percentile(retrieval.wallMs, 0.5), 1),
    search_cpu_ms_p99_at_100k: round(percentile(retrieval.cpuMs, 0.99), 1),
    bm25_search_ms_p99_at_100k: round(percentile(baseline.wallMs, 0.99), 1),
    fill_seconds: round(fill.seconds, 1),
    fill_per_second: round(fill.perSecond),
    dedupe_recognised: round(dedupe.recognised / Math.max(1, dedupe.reReports), 3),
    dedupe_false_merges: round(dedupe.merged / Math.max(1, dedupe.lookAlikes), 3),
    remember_unique_ms_p99: round(percentile(dedupe.wallMs, 0.99), 1),
    cpus: machine.cpus,
    load_before: round(machine.loadBefore, 2),
    load_after: round(machine.loadAfter, 2),
    recall_target_met: retrieval.recallAt10 >= TARGETS.recallAt10,
    context_target_met: contextMax <= TARGETS.contextTokens,
    search_target_met: searchP99 <= TARGETS.searchMsP99,
  };
}

/** The human-readable report: set-up, retrieval side by side, context, dedupe, targets. */
export function memoryReport(results: MemoryBenchResults): string[] {
  const { plan, facts, fill, context, dedupe, machine } = results;
  const summary = memorySummary(results);
  const lines = [
    `bench:memory — ${formatNumber(plan.size)} memories about ${formatNumber(plan.files)} files, ${plan.queries} labelled queries, seed ${plan.seed}${plan.quick ? ' (--quick)' : ''}`,
    `machine: ${machine.cpus} cpus, load ${formatNumber(machine.loadBefore, 2)} before / ${formatNumber(machine.loadAfter, 2)} after (other work inflates wall times)`,
    `filled with remember(), one transaction each: ${formatNumber(fill.written)} in ${formatNumber(fill.seconds, 1)} s (${formatNumber(fill.perSecond)}/s)`,
    `planted answers: ${formatNumber(facts.planted)}, 2-7 per query, paraphrased; ${share(facts.withoutSharedWord, facts.planted)} share no word with their query but the code's names; ${share(facts.byFileNameOnly, facts.planted)} name the file without its path`,
    '',
    ...table(['retriever', 'recall@10', 'complete', 'p50 ms', 'p99 ms', 'cpu p99 ms'], [results.baseline, results.retrieval, ...results.ablations].map(retrievalRow)),
    '',
    `turn context (retrieveMemory limit ${plan.turnLimit}, packContext budget ${formatNumber(context.budgetTokens)} tokens): p50 ${formatNumber(percentile(context.tokens, 0.5))}, max ${formatNumber(Math.max(0, ...context.tokens))} tokens, ${formatNumber(mean(context.itemsKept), 1)} memories on average; all of memory as context: ${formatNumber(facts.wholeMemoryTokens)} tokens`,
    `rememberUnique at ${formatNumber(plan.size)}: re-reports recognised ${share(dedupe.recognised, dedupe.reReports)}; look-alikes about other code wrongly merged ${share(dedupe.merged, dedupe.lookAlikes)}; p99 ${formatNumber(percentile(dedupe.wallMs, 0.99), 1)} ms`,
    '',
    `targets: recall@10 ≥ ${TARGETS.recallAt10}: ${summary['recall_target_met'] === true ? 'met' : 'NOT met'} (${formatNumber(results.retrieval.recallAt10, 3)}, bm25 alone ${formatNumber(results.baseline.recallAt10, 3)}); ` +
      `context ≤ ${formatNumber(TARGETS.contextTokens)} tokens: ${summary['context_target_met'] === true ? 'met' : 'NOT met'}; ` +
      `search p99 ≤ ${TARGETS.searchMsP99} ms: ${summary['search_target_met'] === true ? 'met' : 'NOT met'} (${formatNumber(percentile(results.retrieval.wallMs, 0.99), 1)} ms wall, ${formatNumber(percentile(results.retrieval.cpuMs, 0.99), 1)} ms cpu)`,
  ];
  return lines;
}
