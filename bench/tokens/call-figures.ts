import { type CacheSplit, tokensOf } from '../../test/support/model-server/index.js';

/** Cache reads bill at a tenth of the input price, cache writes at 1.25 times (Anthropic's rates). */
const READ_RATE = 0.1;
const WRITE_RATE = 1.25;

/** What one model call carried. */
export interface CallFigures {
  turn: number;
  step: number;
  promptTokens: number;
  /** Share of this call's prompt (tools, system, messages in order) identical to the start of the previous call's. */
  prefixShare: number;
  cacheRead: number;
  cacheWrite: number;
  /** Input tokens billed at the full rate: with caching, reads and writes weighted by their rates. */
  billedWithCache: number;
  billedWithout: number;
}

/** A body without cache markers: they do not change what the model reads. */
function withoutMarkers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMarkers);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'cache_control').map(([key, entry]) => [key, withoutMarkers(entry)]));
}

/** The prompt as one text, in the order a provider reads and caches it: tools, system, messages. */
export function promptText(body: unknown): string {
  const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return JSON.stringify(withoutMarkers([request.tools ?? [], request.system ?? '', request.messages ?? []])) ?? '';
}

function commonPrefix(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  let index = 0;
  while (index < length && a.charCodeAt(index) === b.charCodeAt(index)) index += 1;
  return index;
}

/** The figures of each call, from the request bodies and the cache's split of each. */
export function callFigures(bodies: readonly unknown[], splits: readonly CacheSplit[], steps: ReadonlyArray<{ turn: number; step: number }>): CallFigures[] {
  let previous = '';
  return bodies.map((body, index) => {
    const text = promptText(body);
    const split = splits[index] ?? { cacheRead: 0, cacheWrite: 0, uncached: tokensOf(body) };
    const promptTokens = split.cacheRead + split.cacheWrite + split.uncached;
    const figures: CallFigures = {
      turn: steps[index]?.turn ?? 0,
      step: steps[index]?.step ?? 0,
      promptTokens,
      prefixShare: text.length === 0 ? 0 : commonPrefix(previous, text) / text.length,
      cacheRead: split.cacheRead,
      cacheWrite: split.cacheWrite,
      billedWithCache: split.uncached + split.cacheRead * READ_RATE + split.cacheWrite * WRITE_RATE,
      billedWithout: promptTokens,
    };
    previous = text;
    return figures;
  });
}
