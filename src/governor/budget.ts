import { z } from 'zod';

/** Limits for one instance, or for the whole collective; every limit optional. */
export const budgetSchema = z.strictObject({
  turns: z.number().int().positive().optional(),
  tokens: z.number().int().positive().optional(),
  costUsd: z.number().positive().optional(),
  wallSeconds: z.number().positive().optional(),
});
export type Budget = z.infer<typeof budgetSchema>;

/** The governor's settings: budgets and loop guards. */
export const governorSettingsSchema = z.strictObject({
  perInstance: budgetSchema.default({}),
  collective: budgetSchema.default({}),
  /** The same tool with the same input this many times within the last 20 calls is refused. */
  maxIdenticalCalls: z.number().int().min(2).max(100).default(4),
  /** Messages one instance may send to one recipient per minute. */
  maxMessagesPerPairPerMinute: z.number().int().min(1).max(10_000).default(30),
  /** Consecutive turns with messages to handle but no successful tool call before the instance pauses. */
  maxTurnsWithoutProgress: z.number().int().min(1).max(1000).default(6),
  /** USD per million tokens by model name; overrides and extends the built-in table. */
  prices: z.record(z.string(), z.strictObject({ input: z.number().min(0), output: z.number().min(0) })).default({}),
});
export type GovernorSettings = z.infer<typeof governorSettingsSchema>;

/** What an instance (or the collective) has used. */
export interface Usage {
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  wallSeconds: number;
  /** Requests to the model (an LLM turn may make several: one per tool-use step). */
  modelCalls: number;
  /** Input tokens the provider served from its prompt cache (part of inputTokens), when it says. */
  cachedInputTokens: number;
}

export const usageSchema = z.strictObject({
  turns: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  wallSeconds: z.number().nonnegative(),
  // Absent from usage recorded before these were counted: such records still load.
  modelCalls: z.number().int().nonnegative().default(0),
  cachedInputTokens: z.number().int().nonnegative().default(0),
});

export const NO_USAGE: Usage = { turns: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, wallSeconds: 0, modelCalls: 0, cachedInputTokens: 0 };

/** Adds usages together. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    turns: a.turns + b.turns,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: Math.round((a.costUsd + b.costUsd) * 1e6) / 1e6,
    wallSeconds: Math.round((a.wallSeconds + b.wallSeconds) * 1000) / 1000,
    modelCalls: a.modelCalls + b.modelCalls,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
  };
}

/** The first limit `usage` has reached, as a sentence, or null while within budget. */
export function budgetExceeded(budget: Budget, usage: Usage, scope: string): string | null {
  const tokens = usage.inputTokens + usage.outputTokens;
  if (budget.turns !== undefined && usage.turns >= budget.turns) return `${scope} turn budget reached (${usage.turns} of ${budget.turns} turns)`;
  if (budget.tokens !== undefined && tokens >= budget.tokens) return `${scope} token budget reached (${tokens} of ${budget.tokens} tokens)`;
  if (budget.costUsd !== undefined && usage.costUsd >= budget.costUsd) return `${scope} cost budget reached ($${usage.costUsd.toFixed(4)} of $${budget.costUsd})`;
  if (budget.wallSeconds !== undefined && usage.wallSeconds >= budget.wallSeconds) return `${scope} time budget reached (${Math.round(usage.wallSeconds)} of ${budget.wallSeconds} s)`;
  return null;
}

/** The budget after a human says "resume": every limit that was reached grows by its original size. */
export function extendBudget(budget: Budget, usage: Usage, original: Budget): Budget {
  const grow = (limit: number | undefined, used: number, step: number | undefined): number | undefined =>
    limit === undefined || step === undefined ? limit : used >= limit ? used + step : limit;
  const next: Budget = {};
  const turns = grow(budget.turns, usage.turns, original.turns);
  const tokens = grow(budget.tokens, usage.inputTokens + usage.outputTokens, original.tokens);
  const costUsd = grow(budget.costUsd, usage.costUsd, original.costUsd);
  const wallSeconds = grow(budget.wallSeconds, usage.wallSeconds, original.wallSeconds);
  if (turns !== undefined) next.turns = turns;
  if (tokens !== undefined) next.tokens = tokens;
  if (costUsd !== undefined) next.costUsd = costUsd;
  if (wallSeconds !== undefined) next.wallSeconds = wallSeconds;
  return next;
}
