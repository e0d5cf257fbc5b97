import type { LanguageModel } from 'ai';
import { backoffMs } from '../model/backoff.js';
import { BrainError } from '../brain-error.js';
import type { Brain, BrainSetup, ModelCallHooks, ToolBox, TurnContext, TurnOutcome } from '../brain.js';
import { ANTHROPIC_BREAKPOINTS, type CacheBreakpoints, NO_BREAKPOINTS } from './cache-breakpoints.js';
import { resolveLlmBrainConfig } from '../check-brain-config.js';
import { createLanguageModel } from './create-language-model.js';
import { IdleGate } from '../model/idle-gate.js';
import { type BrainEnvironment, DEFAULT_MAX_PROMPT_TOKENS, DEFAULT_MAX_STEPS, type LlmBrainConfig, type LlmBrainKind } from '../model/llm-options.js';
import { describeModelCallError } from '../model/model-call-error.js';
import { type ModelTurnResult, type ProviderOptions, runModelTurn } from './model-turn.js';
import { traceModelCalls } from '../../telemetry/trace-model.js';
import { createContinuity } from '../model/turn-memory.js';
import { notebookBudget } from '../model/compact-notebook.js';

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
  /** The model's name, for pricing its tokens. */
  modelName?: string;
  /** Estimated prompt tokens one call may carry (default 60,000). */
  maxPromptTokens?: number;
  /** Where to mark the prompt for the provider's cache (default: no markers). */
  breakpoints?: CacheBreakpoints;
  /** Provider options for every call (thinking budget, reasoning effort). */
  providerOptions?: ProviderOptions;
  /** Budget of the instance's notebook (its earlier turns in the prompt), in estimated tokens; 0 keeps none. Default 12,000. */
  notebookTokens?: number;
}

export { FIRST_BACKOFF_MS, MAX_BACKOFF_MS, backoffMs } from '../model/backoff.js';

/**
 * A turn's outcome from its model calls. Idle when nothing was written and nothing asked: a turn that only
 * read (listed, searched, looked at statuses) leaves the instance idle until something changes.
 */
function outcomeOf(result: ModelTurnResult, inboxSize: number): TurnOutcome {
  const { text, toolCalls, cutShort } = result;
  const did = toolCalls > 0 ? `made ${toolCalls} tool call(s)` : 'nothing to do';
  return {
    summary: cutShort !== undefined ? `${text !== '' ? text : did}; turn ended early: ${cutShort}` : text !== '' ? text : did,
    idle: result.writes === 0 && inboxSize === 0,
    usage: result.usage,
  };
}

/** Anthropic thinking or an OpenAI-compatible reasoning effort, as provider options; undefined when neither is set. */
export function reasoningOptions(config: Pick<LlmBrainConfig, 'kind' | 'thinkingTokens' | 'reasoningEffort'>): ProviderOptions | undefined {
  if (config.kind === 'anthropic') {
    return config.thinkingTokens === undefined ? undefined : { anthropic: { thinking: { type: 'enabled', budgetTokens: config.thinkingTokens } } };
  }
  return config.reasoningEffort === undefined ? undefined : { [config.kind]: { reasoningEffort: config.reasoningEffort } };
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
  const turnSetup = {
    model: setup.model,
    maxSteps: setup.maxSteps ?? DEFAULT_MAX_STEPS,
    maxPromptTokens: setup.maxPromptTokens ?? DEFAULT_MAX_PROMPT_TOKENS,
    breakpoints: setup.breakpoints ?? NO_BREAKPOINTS,
    ...(setup.providerOptions === undefined ? {} : { providerOptions: setup.providerOptions }),
    ...(setup.maxOutputTokens === undefined ? {} : { maxOutputTokens: setup.maxOutputTokens }),
    ...(setup.temperature === undefined ? {} : { temperature: setup.temperature }),
    ...(setup.maxRetries === undefined ? {} : { maxRetries: setup.maxRetries }),
  };
  const gate = new IdleGate(setup.maxIdleMs);
  const continuity = createContinuity({ notebookTokens: notebookBudget(turnSetup.maxPromptTokens, setup.notebookTokens) });
  let failures = 0;
  let announced = false;
  return {
    name: setup.name,
    ...(setup.modelName === undefined ? {} : { model: setup.modelName }),
    async turn(context: TurnContext, toolBox: ToolBox, signal: AbortSignal, hooks?: ModelCallHooks): Promise<TurnOutcome> {
      const inbox = context.inbox;
      if (signal.aborted) return { summary: 'stopping: the turn was not started', idle: true, unhandled: true };
      const skipped = gate.skip(context);
      if (skipped !== undefined) return skipped;
      const memory = continuity.begin(context);
      try {
        const result = await runModelTurn(turnSetup, context, toolBox, signal, hooks, memory);
        failures = 0;
        const outcome = outcomeOf(result, inbox.length);
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
  const reasoning = reasoningOptions(config);
  return createLlmBrain({
    name: kind,
    model: traceModelCalls(createLanguageModel(config), { provider: kind === 'openai-compatible' ? 'openai' : kind, model: config.model, baseUrl: config.baseUrl }),
    maxSteps: config.maxSteps,
    maxOutputTokens: config.maxOutputTokens,
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    ...(config.maxRetries === undefined ? {} : { maxRetries: config.maxRetries }),
    ...(config.maxIdleMs === undefined ? {} : { maxIdleMs: config.maxIdleMs }),
    ...(config.notebookTokens === undefined ? {} : { notebookTokens: config.notebookTokens }),
    ...(config.apiKey === undefined ? {} : { secret: config.apiKey }),
    modelName: config.model,
    maxPromptTokens: config.maxPromptTokens,
    breakpoints: kind === 'anthropic' && config.promptCaching ? ANTHROPIC_BREAKPOINTS : NO_BREAKPOINTS,
    ...(reasoning === undefined ? {} : { providerOptions: reasoning }),
    metadata: { provider: kind, model: config.model },
  });
}
