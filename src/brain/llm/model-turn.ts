import { type JSONValue, type LanguageModel, type LanguageModelUsage, type ModelMessage, type StopCondition, type ToolSet, generateText, stepCountIs } from 'ai';
import { isReadOnlyTool } from '../../tools/read-only-tools.js';
import type { ModelCallHooks, ToolBox, TurnContext, TurnUsage } from '../brain.js';
import { toAiTools, toolParameters } from './ai-tools.js';
import type { CacheBreakpoints } from './cache-breakpoints.js';
import type { StepRecord } from '../model/conversation-notebook.js';
import { estimateTokens, fitPromptBudget } from './prompt-budget.js';
import { RepeatDetector } from './repeat-detector.js';
import { buildSystemPrompt } from '../model/system-prompt.js';
import { buildTurnPrompt } from '../model/turn-prompt.js';
import type { TurnMemory } from '../model/turn-memory.js';

/** Provider options as the AI SDK takes them (thinking budgets, reasoning effort). */
export type ProviderOptions = Record<string, Record<string, JSONValue>>;

/** How one turn calls the model. */
export interface ModelTurnSetup {
  model: LanguageModel;
  maxSteps: number;
  maxPromptTokens: number;
  breakpoints: CacheBreakpoints;
  maxOutputTokens?: number;
  temperature?: number;
  maxRetries?: number;
  providerOptions?: ProviderOptions;
}

/** What a turn of model calls came to. */
export interface ModelTurnResult {
  text: string;
  toolCalls: number;
  /** Successful calls of tools that write. */
  writes: number;
  usage: TurnUsage;
  /** Why the turn ended before the model was done, if it did. */
  cutShort?: string;
  /** The turn's steps (calls and results), for the instance's notebook. */
  steps: readonly StepRecord[];
}

/** The note added to the last step's prompt: its tool calls could never be answered, so they do not run. */
export const LAST_STEP_NOTE = 'This is the last step of this turn: reply with one line of text saying what you did. Tool calls made now will not run.';
const LAST_STEP_REFUSAL = 'not run: it came on the last step of the turn, where no result can be read any more; make the call next turn if it is still needed';

/** A step's or turn's token usage as the governor counts it (input includes cached tokens). */
export function usageOf(usage: LanguageModelUsage, modelCalls: number): TurnUsage {
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    modelCalls,
    cacheReadTokens: usage.inputTokenDetails?.cacheReadTokens ?? 0,
    cacheWriteTokens: usage.inputTokenDetails?.cacheWriteTokens ?? 0,
    reasoningTokens: usage.outputTokenDetails?.reasoningTokens ?? 0,
  };
}

/** Per-turn state the tool wrapper and the step hooks share. */
interface TurnState {
  lastStep: boolean;
  writes: number;
  cutShort: string | undefined;
  stepsChecked: number;
}

/**
 * The tool box as the model sees it this turn: a call on the last step is refused (its result could never be
 * read), each result passes the repeat detector, and successful writes are counted.
 */
function watchedToolBox(toolBox: ToolBox, state: TurnState, repeats: RepeatDetector): ToolBox {
  return {
    specs: toolBox.specs,
    async call(name, input) {
      if (state.lastStep) return { ok: false, error: LAST_STEP_REFUSAL };
      const result = await toolBox.call(name, input);
      if (result.ok && !isReadOnlyTool(name)) state.writes += 1;
      return repeats.check(name, input, result);
    },
  };
}

/** Ends the turn once the repeat detector or a spent budget says so (each step is judged once). */
function earlyStop(state: TurnState, repeats: RepeatDetector, hooks: ModelCallHooks | undefined): StopCondition<ToolSet> {
  return ({ steps }) => {
    if (steps.length > state.stepsChecked) {
      state.stepsChecked = steps.length;
      if (repeats.endStep()) state.cutShort = 'the same calls kept giving the same results';
    }
    const spent = hooks?.stopReason() ?? null;
    if (spent !== null) state.cutShort = spent;
    return state.cutShort !== undefined;
  };
}

/**
 * One turn as a multi-step tool loop: each model call waits for its slot (the pacer), carries the stable
 * prefix first with cache breakpoints where the provider wants them, stays under the prompt budget, and is
 * counted as soon as it finishes; the loop ends at `maxSteps`, when the model answers in text, when it goes
 * round in circles, or when a budget is spent.
 */
export async function runModelTurn(setup: ModelTurnSetup, context: TurnContext, toolBox: ToolBox, signal: AbortSignal, hooks?: ModelCallHooks, memory: Partial<Pick<TurnMemory, 'persona' | 'prior'>> = {}): Promise<ModelTurnResult> {
  const state: TurnState = { lastStep: false, writes: 0, cutShort: undefined, stepsChecked: 0 };
  const repeats = new RepeatDetector();
  const systemText = buildSystemPrompt(context, memory.persona);
  const fixedTokens = estimateTokens(systemText) + estimateTokens(toolBox.specs.map((spec) => [spec.name, spec.description, toolParameters(spec)]));
  // The notebook (earlier turns) comes first and changes least: the stable part of the prompt stays a prefix.
  const prompt: ModelMessage[] = [...(memory.prior ?? []), { role: 'user', content: buildTurnPrompt(context) }];
  const result = await generateText({
    model: setup.model,
    system: setup.breakpoints.system(systemText),
    messages: prompt,
    tools: setup.breakpoints.tools(toAiTools(watchedToolBox(toolBox, state, repeats))),
    stopWhen: [stepCountIs(setup.maxSteps), earlyStop(state, repeats, hooks)],
    abortSignal: signal,
    prepareStep: async ({ stepNumber, messages }) => {
      await hooks?.beforeCall(signal);
      state.lastStep = stepNumber >= setup.maxSteps - 1 && setup.maxSteps > 1;
      const fitted = fitPromptBudget(messages, fixedTokens, setup.maxPromptTokens);
      return { messages: setup.breakpoints.conversation(state.lastStep ? [...fitted, { role: 'user', content: LAST_STEP_NOTE }] : fitted) };
    },
    onStepFinish: (step) => hooks?.afterCall(usageOf(step.usage, 1)),
    ...(setup.providerOptions === undefined ? {} : { providerOptions: setup.providerOptions }),
    ...(setup.maxOutputTokens === undefined ? {} : { maxOutputTokens: setup.maxOutputTokens }),
    ...(setup.temperature === undefined ? {} : { temperature: setup.temperature }),
    ...(setup.maxRetries === undefined ? {} : { maxRetries: setup.maxRetries }),
  });
  return {
    text: result.text.trim(),
    toolCalls: result.steps.reduce((count, step) => count + step.toolCalls.length, 0),
    writes: state.writes,
    usage: usageOf(result.totalUsage, result.steps.length),
    ...(state.cutShort === undefined ? {} : { cutShort: state.cutShort }),
    steps: result.steps,
  };
}
