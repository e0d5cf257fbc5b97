import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { EvalError } from './eval-error.js';
import { join } from 'node:path';
import { type ConditionMetrics, EVAL_RESULT_VERSION, type EvalResult, type ProblemResult, metricsOf, totalsFor } from './eval-result.js';
import { runHiddenTest } from './hidden-test.js';
import { prepareProblem } from './prepare-problem.js';
import { problemGoal } from './problem-goal.js';
import type { Problem } from './problem-set.js';
import { type Condition, type ConditionOutcome, type ConditionSetup, runCondition } from './run-condition.js';
import { LINE_TOLERANCE, scoreFindings } from './score-findings.js';

/** Progress of an evaluation, for the terminal. */
export type EvalEvent =
  | { type: 'problem_started'; problem: string; index: number; total: number }
  | { type: 'condition_started'; problem: string; condition: Condition }
  | { type: 'condition_finished'; problem: string; condition: Condition; metrics: ConditionMetrics };

/** The run settings every condition shares (see ConditionSetup), and what the eval itself needs. */
export interface EvalOptions extends Pick<ConditionSetup, 'brain' | 'brainOptions' | 'instances' | 'maxTokens' | 'timeoutMs' | 'quietMs'> {
  set: string;
  problems: Problem[];
  conditions: Condition[];
  /** Where fetched packages are cached. */
  cache: string;
  /** Scratch folder for copies and run directories (emptied first; kept afterwards when `keep`). */
  workFolder: string;
  keep: boolean;
  onEvent: (event: EvalEvent) => void;
  signal: AbortSignal;
}

async function fixPassed(problem: Problem, outcome: ConditionOutcome, scratch: string): Promise<boolean | null> {
  if (problem.hiddenTest === null) return null;
  const test = problem.hiddenTest;
  const results = await Promise.all(outcome.workspaces.map((workspace, index) => runHiddenTest(test, workspace, join(scratch, `hidden-${index + 1}`))));
  // One workspace: it passes or not; isolated voters: most of their copies must pass.
  return results.filter((result) => result.passed).length * 2 > results.length;
}

function failedMetrics(problem: Problem, error: unknown): ConditionMetrics {
  return {
    found: 0, seeded: problem.key.length, recall: 0, precision: null, findings: 0, findingsShared: 0, duplicateFindings: 0,
    hiddenTestsPassed: problem.hiddenTest === null ? null : false, modelCalls: 0, turns: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0,
    wallSeconds: 0, endedByItself: false, endReasons: [], claimsLost: 0, readsPerFile: {}, defects: [],
    error: error instanceof Error ? error.message : String(error),
  };
}

async function evaluateCondition(options: EvalOptions, problem: Problem, seeded: string, condition: Condition, folder: string): Promise<ConditionMetrics> {
  try {
    const outcome = await runCondition(condition, {
      brain: options.brain, brainOptions: options.brainOptions, instances: options.instances, timeoutMs: options.timeoutMs, quietMs: options.quietMs,
      goal: problemGoal(problem), seeded, folder, signal: options.signal, builders: problem.manifest.kind === 'fix', ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    });
    return metricsOf(scoreFindings(outcome.answer, problem.key), scoreFindings(outcome.facts.findings, problem.key), outcome.facts.usage, {
      hiddenTestsPassed: await fixPassed(problem, outcome, folder),
      wallSeconds: outcome.wallSeconds,
      endedByItself: outcome.endedByItself,
      endReasons: outcome.endReasons,
      claimsLost: outcome.facts.claimsLost,
      readsPerFile: outcome.facts.readsPerFile,
    });
  } catch (error) {
    if (options.signal.aborted) throw error;
    // One condition that cannot run (a crash, a full disk) is reported and the evaluation goes on.
    return failedMetrics(problem, error);
  }
}

/** Marks a folder as an eval's scratch space: only such a folder (or an empty one) is ever emptied. */
const WORK_MARKER = '.tachikoma-eval';

function claimWorkFolder(folder: string): void {
  if (existsSync(folder) && readdirSync(folder).length > 0 && !existsSync(join(folder, WORK_MARKER))) {
    throw new EvalError('invalid_input', `${folder} is not empty and holds no earlier eval; choose a new or empty --work-dir`);
  }
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, WORK_MARKER), '');
}

/** Prepares every problem (fetch, seed), then runs each under every condition in turn, appending to `problems`. */
async function runProblems(options: EvalOptions, problems: ProblemResult[]): Promise<void> {
  const prepared = [];
  for (const problem of options.problems) prepared.push(await prepareProblem(problem, options.cache, join(options.workFolder, problem.manifest.name)));
  for (const [index, problem] of options.problems.entries()) {
    const { name, package: packageName, version, kind } = problem.manifest;
    options.onEvent({ type: 'problem_started', problem: name, index: index + 1, total: options.problems.length });
    const result: ProblemResult = { name, package: packageName, version, kind, seeded: problem.key.length, conditions: {} };
    for (const condition of options.conditions) {
      if (options.signal.aborted) break;
      options.onEvent({ type: 'condition_started', problem: name, condition });
      const metrics = await evaluateCondition(options, problem, prepared[index]?.seeded ?? '', condition, join(options.workFolder, name, condition));
      result.conditions[condition] = metrics;
      options.onEvent({ type: 'condition_finished', problem: name, condition, metrics });
    }
    problems.push(result);
  }
}

/**
 * Runs every problem under every condition, one after the other (conditions never compete for the machine),
 * and scores them. Package fetch and patch failures end the evaluation with an EvalError before any run.
 */
export async function runEval(options: EvalOptions): Promise<EvalResult> {
  const startedAt = new Date().toISOString();
  claimWorkFolder(options.workFolder);
  const problems: ProblemResult[] = [];
  try {
    await runProblems(options, problems);
  } finally {
    if (!options.keep) rmSync(options.workFolder, { recursive: true, force: true });
  }
  const model = options.brainOptions.model;
  return {
    evalVersion: EVAL_RESULT_VERSION, startedAt, finishedAt: new Date().toISOString(), set: options.set, brain: options.brain,
    model: typeof model === 'string' ? model : null, instances: options.instances, maxTokens: options.maxTokens ?? null, lineTolerance: LINE_TOLERANCE,
    conditions: options.conditions, problems,
    totals: Object.fromEntries(options.conditions.map((condition) => [condition, totalsFor(condition, problems)])),
  };
}
