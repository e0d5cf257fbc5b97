/** USD per million tokens (input, output) for common models; local and unknown models cost 0. Override in config `governor.prices`. */
export const DEFAULT_PRICES: Readonly<Record<string, { input: number; output: number }>> = {
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-haiku-4': { input: 1, output: 5 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
};

/** The price of a model: an exact entry, else the longest table key the model name starts with, else free. */
export function priceOf(model: string | undefined, overrides: Readonly<Record<string, { input: number; output: number }>> = {}): { input: number; output: number } {
  if (model === undefined) return { input: 0, output: 0 };
  const table = { ...DEFAULT_PRICES, ...overrides };
  const exact = table[model];
  if (exact !== undefined) return exact;
  const prefix = Object.keys(table).filter((key) => model.startsWith(key)).sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? { input: 0, output: 0 } : (table[prefix] ?? { input: 0, output: 0 });
}

/** Cost in USD of a turn's tokens. */
export function costOf(price: { input: number; output: number }, inputTokens: number, outputTokens: number): number {
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}
