import { type LanguageModel, generateText, stepCountIs } from 'ai';
import { BrainError } from '../brain-error.js';
import type { Brain, BrainSetup, ToolBox, TurnContext, TurnOutcome } from '../brain.js';
import { toAiTools } from './ai-tools.js';
import { resolveLlmBrainConfig } from './check-brain-config.js';
import { createLanguageModel } from './create-language-model.js';
import { IdleGate } from './idle-gate.js';
import { type BrainEnvironment, DEFAULT_MAX_STEPS, type LlmBrainKind } from './llm-options.js';
import { describeModelCallError } from './model-call-error.js';
import { buildSystemPrompt } from './system-prompt.js';
import { buildTurnPrompt } from './turn-prompt.js';
import { createContinuity } from './turn-memory.js';

/** What an LLM brain needs: a model and how to call it. */
export interface LlmBrainSetup {
  /** The brain's name, as the registry shows it (e.g. `openai-compatible`). */
  name: string;
  model: LanguageModel;
  /** Model calls one turn may make (a step = one call plus the tool calls it asked for). Default 8. */
  maxSteps?: number;
  maxOutputTokens?: number;
  temperature?: number;
  maxRetries?: number;
  /** A secret to scrub from every error text this brain reports (the API key). */
  secret?: string;
  /** Merged into the instance's registry metadata after the first turn (e.g. provider and model). */
  metadata?: Record<string, string>;
  /** Longest an idle instance goes without a model call when nothing changed (default 10 minutes). */
  maxIdleMs?: number;
  /** Budget of the instance's notebook (its earlier turns in the prompt), in estimated tokens; 0 keeps none. Default 12,000. */
  notebookTokens?: number;
}

/** First pause after a failed model call; doubles per failure in a row up to MAX_BACKOFF_MS. */
export const FIRST_BACKOFF_MS = 5000;
export const MAX_BACKOFF_MS = 300_000;

/** The pause before the next try after `failures` failed model calls in a row. */
export function backoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (Math.max(1, failures) - 1));
}

/**
 * A brain that hands each turn to a language model: one multi-step tool loop (`generateText` with the tool
 * box's tools, stopping after `maxSteps` steps), with the system prompt saying who the instance is and the
 * user prompt rendering the turn's context. Outcome: the model's final text as summary; idle when the model
 * called no tool and the inbox was empty; token usage. A failed call ends the turn `unhandled` (the instance
 * presents the same inbox again) with a backoff; a rejected key, model or URL (401, 403, 404) throws a
 * BrainError. While idle with nothing changed, no model call is made (see IdleGate).
 */
export function createLlmBrain(setup: LlmBrainSetup): Brain {
  const maxSteps = setup.maxSteps ?? DEFAULT_MAX_STEPS;
  const gate = new IdleGate(setup.maxIdleMs);
  const continuity = createContinuity(setup.notebookTokens === undefined ? {} : { notebookTokens: setup.notebookTokens });
  let failures = 0;
  let announced = false;
  return {
    name: setup.name,
    async turn(context: TurnContext, toolBox: ToolBox, signal: AbortSignal): Promise<TurnOutcome> {
      const inbox = context.inbox;
      if (signal.aborted) return { summary: 'stopping: the turn was not started', idle: true, unhandled: true };
      const skipped = gate.skip(context);
      if (skipped !== undefined) return skipped;
      const memory = continuity.begin(context);
      try {
        const result = await generateText({
          model: setup.model,
          system: buildSystemPrompt(context, memory.persona),
          messages: [...memory.prior, { role: 'user', content: buildTurnPrompt(context) }],
          tools: toAiTools(toolBox),
          stopWhen: stepCountIs(maxSteps),
          abortSignal: signal,
          ...(setup.maxOutputTokens === undefined ? {} : { maxOutputTokens: setup.maxOutputTokens }),
          ...(setup.temperature === undefined ? {} : { temperature: setup.temperature }),
          ...(setup.maxRetries === undefined ? {} : { maxRetries: setup.maxRetries }),
        });
        failures = 0;
        const toolCalls = result.steps.reduce((count, step) => count + step.toolCalls.length, 0);
        const text = result.text.trim();
        const outcome: TurnOutcome = {
          summary: text !== '' ? text : toolCalls > 0 ? `made ${toolCalls} tool call(s)` : 'nothing to do',
          idle: toolCalls === 0 && inbox.length === 0,
          usage: { inputTokens: result.totalUsage.inputTokens ?? 0, outputTokens: result.totalUsage.outputTokens ?? 0 },
        };
        const kept = memory.finish(result.steps);
        if (kept.notebook !== undefined) outcome.notebook = kept.notebook;
        const metadata = { ...(announced ? {} : setup.metadata), ...kept.metadata };
        if (Object.keys(metadata).length > 0) outcome.metadata = metadata;
        announced = true;
        gate.record(context, outcome);
        return outcome;
      } catch (error) {
        if (signal.aborted) return { summary: 'stopping: the turn was interrupted', idle: true, unhandled: true };
        const failure = describeModelCallError(error, setup.secret);
        if (failure.fatal) throw new BrainError('misconfigured', `the ${setup.name} model refused the call: ${failure.text}; check the API key, --model and --base-url`);
        failures += 1;
        const pause = backoffMs(failures);
        const outcome: TurnOutcome = { summary: `model call failed (${failures} in a row; next try in ${Math.round(pause / 1000)} s): ${failure.text}`, idle: false, nextTurnInMs: pause, unhandled: true };
        gate.record(context, outcome);
        return outcome;
      }
    },
  };
}

/**
 * Builds the brain of one instance for an AI SDK provider: resolves its options against the environment
 * (the API key is read here, in the instance process, and never leaves it), then the model.
 * Throws BrainError('misconfigured') with one line saying what to set.
 */
export function createProviderBrain(kind: LlmBrainKind, setup: BrainSetup, env: BrainEnvironment = process.env): Brain {
  const config = resolveLlmBrainConfig(kind, setup.options, env);
  return createLlmBrain({
    name: kind,
    model: createLanguageModel(config),
    maxSteps: config.maxSteps,
    maxOutputTokens: config.maxOutputTokens,
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    ...(config.maxRetries === undefined ? {} : { maxRetries: config.maxRetries }),
    ...(config.maxIdleMs === undefined ? {} : { maxIdleMs: config.maxIdleMs }),
    ...(config.notebookTokens === undefined ? {} : { notebookTokens: config.notebookTokens }),
    ...(config.apiKey === undefined ? {} : { secret: config.apiKey }),
    metadata: { provider: kind, model: config.model },
  });
}
