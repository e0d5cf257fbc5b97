import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { BrainError } from '../../brain/brain-error.js';
import { BRAINS, BRAIN_KINDS, brainEntry, checkBrainConfig } from '../../brain/registry.js';
import { EvalError } from '../../eval/eval-error.js';
import type { EvalResult } from '../../eval/eval-result.js';
import { evalCacheFolder } from '../../eval/fetch-package.js';
import { loadProblemSet } from '../../eval/problem-set.js';
import { CHART_FILE, renderChart, renderReport } from '../../eval/render-report.js';
import { CONDITIONS, type Condition } from '../../eval/run-condition.js';
import { type EvalEvent, runEval } from '../../eval/run-eval.js';
import { CliError } from '../cli-error.js';

export interface EvalFlags {
  set?: string;
  conditions?: string;
  instances?: string;
  brain?: string;
  model?: string;
  baseUrl?: string;
  brainOptions?: string;
  maxTokens?: string;
  problems?: string;
  json?: boolean;
  out?: string;
  timeout?: string;
  quiet?: string;
  workDir?: string;
}

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
}

function parseConditions(text: string | undefined): Condition[] {
  const names = list(text ?? 'single,vote,collective');
  const unknown = names.filter((name) => !(CONDITIONS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) throw new CliError(`--conditions takes a list of ${CONDITIONS.join(', ')}; got ${JSON.stringify(text)}`);
  return [...new Set(names)] as Condition[];
}

function wholeNumber(text: string | undefined, flag: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new CliError(`${flag} takes a whole number from 1 to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function seconds(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback * 1000;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new CliError(`${flag} takes a number of seconds, got ${JSON.stringify(text)}`);
  return Math.round(value * 1000);
}

function brainOptionsFrom(flags: EvalFlags): Record<string, z.core.util.JSONType> {
  let options: Record<string, z.core.util.JSONType> = {};
  if (flags.brainOptions !== undefined) {
    const parsed = z.record(z.string(), z.json()).safeParse((() => {
      try {
        return JSON.parse(flags.brainOptions) as unknown;
      } catch {
        return undefined;
      }
    })());
    if (!parsed.success) throw new CliError(`--brain-options takes a JSON object, got ${JSON.stringify(flags.brainOptions)}`);
    options = parsed.data;
  }
  return { ...options, ...(flags.model === undefined ? {} : { model: flags.model }), ...(flags.baseUrl === undefined ? {} : { baseUrl: flags.baseUrl }) };
}

function percent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}

function progressLine(event: EvalEvent): string {
  if (event.type === 'problem_started') return `[${event.index}/${event.total}] ${event.problem}`;
  if (event.type === 'condition_started') return `  ${event.condition} …`;
  const { metrics } = event;
  if (metrics.error !== undefined) return `  ${event.condition}: failed: ${metrics.error}`;
  const hidden = metrics.hiddenTestsPassed === null ? '' : `, hidden test ${metrics.hiddenTestsPassed ? 'passes' : 'fails'}`;
  return `  ${event.condition}: found ${metrics.found}/${metrics.seeded}, precision ${percent(metrics.precision)}${hidden}, ${metrics.modelCalls} calls, ${metrics.inputTokens + metrics.outputTokens} tokens, $${metrics.costUsd.toFixed(4)}, ${metrics.wallSeconds} s, ${metrics.endReasons.join('/')}`;
}

function writeOutputs(folder: string, result: EvalResult): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(folder, 'report.md'), renderReport(result));
  writeFileSync(join(folder, CHART_FILE), renderChart(result));
}

/** `tachikoma eval`: runs a problem set under several conditions and reports recall, precision and cost side by side. */
export async function evalCommand(flags: EvalFlags): Promise<number> {
  const brain = flags.brain ?? 'heuristic';
  if (!(BRAIN_KINDS as readonly string[]).includes(brain)) throw new CliError(`unknown brain ${JSON.stringify(brain)}; choose one of ${BRAIN_KINDS.join(', ')}`);
  const conditions = parseConditions(flags.conditions);
  const instances = wholeNumber(flags.instances, '--instances', 3, 32);
  const maxTokens = flags.maxTokens === undefined ? undefined : wholeNumber(flags.maxTokens, '--max-tokens', 0, 1_000_000_000);
  if (!brainEntry(brain).takesModel && (flags.model !== undefined || flags.baseUrl !== undefined)) {
    throw new CliError(`--model and --base-url configure the model brains (${BRAIN_KINDS.filter((kind) => BRAINS[kind].takesModel).join(', ')}); add --brain to choose one`);
  }
  const brainOptions = brainOptionsFrom(flags);
  try {
    await checkBrainConfig(brain, brainOptions, process.env);
  } catch (error) {
    if (BrainError.isInstance(error)) throw new CliError(error.message);
    throw error;
  }
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = flags.json === true ? process.stderr : process.stdout;
  try {
    const set = flags.set ?? 'builtin';
    const result = await runEval({
      set, problems: loadProblemSet(set, list(flags.problems)), conditions, brain, brainOptions, instances,
      ...(maxTokens === undefined ? {} : { maxTokens }),
      timeoutMs: seconds(flags.timeout, '--timeout', 600), quietMs: seconds(flags.quiet, '--quiet', 30),
      cache: evalCacheFolder(), workFolder: resolve(flags.workDir ?? join(tmpdir(), `tachikoma-eval-${process.pid}`)), keep: flags.workDir !== undefined,
      onEvent: (event) => void progress.write(`${progressLine(event)}\n`), signal: controller.signal,
    });
    if (flags.out !== undefined) writeOutputs(resolve(flags.out), result);
    if (flags.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`\n${renderReport(result).split('## Per problem')[0]?.trim() ?? ''}\n${flags.out === undefined ? '' : `\nreport: ${join(resolve(flags.out), 'report.md')}\n`}`);
    return controller.signal.aborted ? 130 : 0;
  } catch (error) {
    if (EvalError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
