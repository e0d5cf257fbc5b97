import type { Price } from './budget.js';

/**
 * USD per million tokens (input, output) for common models; cache reads and writes are priced from the input
 * price unless an entry says otherwise. Unknown models cost 0 and are named once at start; extend or override
 * the table in `governor.prices` of tachikoma.config.json.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'claude-opus-4': { input: 15, output: 75 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-haiku-4': { input: 1, output: 5 },
  'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 2.5 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0.15 },
  'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 2 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1, cacheWrite: 0.4 },
};

/** Cache reads cost this share of the input price, cache writes this multiple, when a price does not say. */
export const CACHE_READ_FACTOR = 0.1;
export const CACHE_WRITE_FACTOR = 1.25;

const FREE: Price = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** The price of a model: an exact entry, else the longest table key the model name starts with, else undefined. */
export function findPrice(model: string | undefined, overrides: Readonly<Record<string, Price>> = {}): Price | undefined {
  if (model === undefined) return undefined;
  const table = { ...DEFAULT_PRICES, ...overrides };
  const exact = table[model];
  if (exact !== undefined) return exact;
  const prefix = Object.keys(table).filter((key) => model.startsWith(key)).sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : table[prefix];
}

/** The price of a model, free when unknown. */
export function priceOf(model: string | undefined, overrides: Readonly<Record<string, Price>> = {}): Price {
  return findPrice(model, overrides) ?? FREE;
}

/** Tokens of one call or turn, as priced: input includes the cached tokens read and written. */
export interface PricedTokens {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** Cost in USD of some tokens: uncached input, cache reads, cache writes and output each at their price. */
export function costOf(price: Price, tokens: PricedTokens): number {
  const read = tokens.cacheReadTokens ?? 0;
  const write = tokens.cacheWriteTokens ?? 0;
  const fresh = Math.max(0, tokens.inputTokens - read - write);
  const readPrice = price.cacheRead ?? price.input * CACHE_READ_FACTOR;
  const writePrice = price.cacheWrite ?? price.input * CACHE_WRITE_FACTOR;
  return (fresh * price.input + read * readPrice + write * writePrice + tokens.outputTokens * price.output) / 1_000_000;
}
