import { z } from 'zod';

/** A limit: a positive number, or 0 for "no limit" (so a config or flag can lift a default). */
const limit = z.number().nonnegative();

/** Limits for one instance, or for the whole collective; every limit optional, 0 lifts it. */
export const budgetSchema = z.strictObject({
  turns: limit.int().optional(),
  /** Input plus output tokens (cached input included: it is still read by the model). */
  tokens: limit.int().optional(),
  /** Model calls (one request to the model each). */
  modelCalls: limit.int().optional(),
  costUsd: limit.optional(),
  wallSeconds: limit.optional(),
});
export type Budget = z.infer<typeof budgetSchema>;

/** USD per million tokens of one model; cache reads and writes default to 0.1× and 1.25× the input price. */
export const priceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  cacheRead: z.number().min(0).optional(),
  cacheWrite: z.number().min(0).optional(),
});
export type Price = z.infer<typeof priceSchema>;

/** The governor's settings: budgets, pacing and loop guards. */
export const governorSettingsSchema = z.strictObject({
  perInstance: budgetSchema.default({}),
  collective: budgetSchema.default({}),
  /** Model calls one instance may start per minute; absent or 0 = no pacing. */
  maxModelCallsPerMinute: z.number().int().min(0).max(100_000).optional(),
  /** Pause before the next turn after a turn that changed nothing and was not idle (ms); absent or 0 = none. */
  minTurnGapMs: z.number().int().min(0).max(3_600_000).optional(),
  /** The same tool with the same input this many times within the last 20 calls is refused. */
  maxIdenticalCalls: z.number().int().min(2).max(100).default(4),
  /** Messages one instance may send to one recipient per minute. */
  maxMessagesPerPairPerMinute: z.number().int().min(1).max(10_000).default(30),
  /** Turns in a row that changed nothing (only reads, failed writes, or unanswered messages) before the instance pauses. */
  maxTurnsWithoutProgress: z.number().int().min(1).max(1000).default(6),
  /** USD per million tokens by model name (or name prefix); overrides and extends the built-in table. */
  prices: z.record(z.string(), priceSchema).default({}),
});
export type GovernorSettings = z.infer<typeof governorSettingsSchema>;

/** What an instance (or the collective) has used. Input tokens include cached ones (read or written). */
export interface Usage {
  turns: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Part of the output tokens the model spent thinking. */
  reasoningTokens: number;
  costUsd: number;
  wallSeconds: number;
}

const count = z.number().int().nonnegative();

/** Usage as stored in the registry; fields added later default to 0 so an older record still reads. */
export const usageSchema = z.object({
  turns: count,
  modelCalls: count.default(0),
  inputTokens: count,
  outputTokens: count,
  cacheReadTokens: count.default(0),
  cacheWriteTokens: count.default(0),
  reasoningTokens: count.default(0),
  costUsd: z.number().nonnegative(),
  wallSeconds: z.number().nonnegative(),
});

export const NO_USAGE: Usage = { turns: 0, modelCalls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0, wallSeconds: 0 };

/** Adds usages together. */
export function addUsage(a: Usage, b: Partial<Usage>): Usage {
  return {
    turns: a.turns + (b.turns ?? 0),
    modelCalls: a.modelCalls + (b.modelCalls ?? 0),
    inputTokens: a.inputTokens + (b.inputTokens ?? 0),
    outputTokens: a.outputTokens + (b.outputTokens ?? 0),
    cacheReadTokens: a.cacheReadTokens + (b.cacheReadTokens ?? 0),
    cacheWriteTokens: a.cacheWriteTokens + (b.cacheWriteTokens ?? 0),
    reasoningTokens: a.reasoningTokens + (b.reasoningTokens ?? 0),
    costUsd: Math.round((a.costUsd + (b.costUsd ?? 0)) * 1e6) / 1e6,
    wallSeconds: Math.round((a.wallSeconds + (b.wallSeconds ?? 0)) * 1000) / 1000,
  };
}

/** A limit that is set and not lifted (0). */
function active(value: number | undefined): value is number {
  return value !== undefined && value > 0;
}

/** The first limit `usage` has reached, as a sentence, or null while within budget. */
export function budgetExceeded(budget: Budget, usage: Usage, scope: string): string | null {
  const tokens = usage.inputTokens + usage.outputTokens;
  if (active(budget.turns) && usage.turns >= budget.turns) return `${scope} turn budget reached (${usage.turns} of ${budget.turns} turns)`;
  if (active(budget.modelCalls) && usage.modelCalls >= budget.modelCalls) return `${scope} model-call budget reached (${usage.modelCalls} of ${budget.modelCalls} calls)`;
  if (active(budget.tokens) && tokens >= budget.tokens) return `${scope} token budget reached (${tokens} of ${budget.tokens} tokens)`;
  if (active(budget.costUsd) && usage.costUsd >= budget.costUsd) return `${scope} cost budget reached ($${usage.costUsd.toFixed(4)} of $${budget.costUsd})`;
  if (active(budget.wallSeconds) && usage.wallSeconds >= budget.wallSeconds) return `${scope} time budget reached (${Math.round(usage.wallSeconds)} of ${budget.wallSeconds} s)`;
  return null;
}

/** The budget after a human says "resume": every limit that was reached grows by its original size. */
export function extendBudget(budget: Budget, usage: Usage, original: Budget): Budget {
  const grow = (limitValue: number | undefined, used: number, step: number | undefined): number | undefined =>
    !active(limitValue) || !active(step) ? limitValue : used >= limitValue ? used + step : limitValue;
  const next: Budget = {};
  const turns = grow(budget.turns, usage.turns, original.turns);
  const modelCalls = grow(budget.modelCalls, usage.modelCalls, original.modelCalls);
  const tokens = grow(budget.tokens, usage.inputTokens + usage.outputTokens, original.tokens);
  const costUsd = grow(budget.costUsd, usage.costUsd, original.costUsd);
  const wallSeconds = grow(budget.wallSeconds, usage.wallSeconds, original.wallSeconds);
  if (turns !== undefined) next.turns = turns;
  if (modelCalls !== undefined) next.modelCalls = modelCalls;
  if (tokens !== undefined) next.tokens = tokens;
  if (costUsd !== undefined) next.costUsd = costUsd;
  if (wallSeconds !== undefined) next.wallSeconds = wallSeconds;
  return next;
}
