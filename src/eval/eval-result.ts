import type { Usage } from '../governor/budget.js';
import type { Condition } from './run-condition.js';
import type { EndReason } from './run-one-collective.js';
import type { FindingScore } from './score-findings.js';

export const EVAL_RESULT_VERSION = 1;

/** One condition on one problem. */
export interface ConditionMetrics {
  found: number;
  seeded: number;
  recall: number;
  precision: number | null;
  /** Findings in the condition's answer (for vote and debate: after the majority merge). */
  findings: number;
  /** Findings every instance shared, before any merge, and how many of them repeated an earlier one. */
  findingsShared: number;
  duplicateFindings: number;
  /** Fix problems: whether the hidden test passes on the workspace as the run left it (vote, debate: on most voters' copies). */
  hiddenTestsPassed: boolean | null;
  modelCalls: number;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  wallSeconds: number;
  endedByItself: boolean;
  endReasons: EndReason[];
  claimsLost: number;
  readsPerFile: Record<string, number>;
  defects: FindingScore['defects'];
  /** Set when the condition could not run; the other figures are then zeros. */
  error?: string;
}

/** A problem's results under every condition. */
export interface ProblemResult {
  name: string;
  package: string;
  version: string;
  kind: 'find' | 'fix';
  seeded: number;
  conditions: Partial<Record<Condition, ConditionMetrics>>;
}

/** A condition summed over every problem. */
export interface ConditionTotals {
  found: number;
  seeded: number;
  recall: number;
  precision: number | null;
  fixesPassed: number;
  fixProblems: number;
  findingsShared: number;
  duplicateFindings: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  wallSeconds: number;
  endedByItself: number;
  problems: number;
  claimsLost: number;
  errors: number;
}

/** The whole evaluation, as `--json` prints it and `--out` writes it. */
export interface EvalResult {
  evalVersion: typeof EVAL_RESULT_VERSION;
  startedAt: string;
  finishedAt: string;
  set: string;
  brain: string;
  model: string | null;
  instances: number;
  maxTokens: number | null;
  lineTolerance: number;
  conditions: Condition[];
  problems: ProblemResult[];
  totals: Partial<Record<Condition, ConditionTotals>>;
}

function round(value: number, places = 4): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

/** Sums one condition over the problems (precision: correct over distinct findings, summed). */
export function totalsFor(condition: Condition, problems: readonly ProblemResult[]): ConditionTotals {
  const rows = problems.flatMap((problem) => {
    const metrics = problem.conditions[condition];
    return metrics === undefined ? [] : [{ problem, metrics }];
  });
  const sum = (pick: (metrics: ConditionMetrics) => number): number => rows.reduce((total, row) => total + pick(row.metrics), 0);
  const found = sum((metrics) => metrics.found);
  const seeded = sum((metrics) => metrics.seeded);
  const distinct = sum((metrics) => (metrics.precision === null ? 0 : metrics.findings));
  const correct = sum((metrics) => (metrics.precision === null ? 0 : metrics.precision * metrics.findings));
  const fixes = rows.filter((row) => row.problem.kind === 'fix');
  return {
    found, seeded, recall: seeded === 0 ? 0 : round(found / seeded), precision: distinct === 0 ? null : round(correct / distinct),
    fixesPassed: fixes.filter((row) => row.metrics.hiddenTestsPassed === true).length, fixProblems: fixes.length,
    findingsShared: sum((metrics) => metrics.findingsShared), duplicateFindings: sum((metrics) => metrics.duplicateFindings),
    modelCalls: sum((metrics) => metrics.modelCalls), inputTokens: sum((metrics) => metrics.inputTokens), outputTokens: sum((metrics) => metrics.outputTokens),
    cachedInputTokens: sum((metrics) => metrics.cachedInputTokens), costUsd: round(sum((metrics) => metrics.costUsd), 6),
    wallSeconds: round(sum((metrics) => metrics.wallSeconds), 2), endedByItself: rows.filter((row) => row.metrics.endedByItself).length, problems: rows.length,
    claimsLost: sum((metrics) => metrics.claimsLost), errors: rows.filter((row) => row.metrics.error !== undefined).length,
  };
}

/** The metrics of a condition that ran, from its score and usage. */
export function metricsOf(score: FindingScore, shared: FindingScore, usage: Usage, rest: Pick<ConditionMetrics, 'hiddenTestsPassed' | 'wallSeconds' | 'endedByItself' | 'endReasons' | 'claimsLost' | 'readsPerFile'>): ConditionMetrics {
  return {
    found: score.found, seeded: score.seeded, recall: round(score.recall), precision: score.precision === null ? null : round(score.precision),
    findings: score.findings - score.duplicates, findingsShared: shared.findings, duplicateFindings: shared.duplicates,
    modelCalls: usage.modelCalls, turns: usage.turns, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedInputTokens: usage.cacheReadTokens,
    costUsd: usage.costUsd, ...rest, defects: score.defects,
  };
}
