/** Token use of one turn, when the brain knows it. */
export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  /** What the turn cost in USD, when the brain's provider reports it; otherwise the governor prices the tokens. */
  costUsd?: number;
  /** Requests made to the model this turn; one when absent. */
  modelCalls?: number;
  /** Input tokens served from the provider's prompt cache (counted in inputTokens too), when it says. */
  cachedInputTokens?: number;
}
