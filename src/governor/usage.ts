/** Token use of one turn (or one model call), when the brain knows it. `inputTokens` includes cached ones. */
export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  /** Model calls made (default 1 per turn that reports usage). */
  modelCalls?: number;
  /** Input tokens read from the provider's prompt cache. */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache. */
  cacheWriteTokens?: number;
  /** Output tokens spent on thinking (already counted in outputTokens). */
  reasoningTokens?: number;
  /** What the turn cost in USD, when the brain's provider reports it; otherwise the governor prices the tokens. */
  costUsd?: number;
}

/**
 * What the instance offers a brain for each model call of a turn: a pace to keep (the call waits its slot), a
 * place to report each call's tokens as it finishes (so budgets count while a long turn runs), and whether the
 * budgets still allow another call. Brains that make no model calls ignore it.
 */
export interface ModelCallHooks {
  beforeCall(signal: AbortSignal): Promise<void>;
  afterCall(usage: TurnUsage): void;
  /** Why no further call may be made this turn (a budget is spent), or null. */
  stopReason(): string | null;
}
