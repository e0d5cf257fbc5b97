/** Small text helpers; every value ends up as a text node, never as HTML. */
export function shortTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleTimeString([], { hour12: false });
}

export function firstLine(text: string, max = 160): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function compactNumber(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  return String(value);
}

export function usd(value: number): string {
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`;
}

export interface UsageLike {
  turns: number;
  modelCalls: number;
  cacheReadTokens: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  wallSeconds: number;
}

/** The governor's usage from an instance's metadata, when it reports one. */
export function usageOf(metadata: Record<string, unknown>): UsageLike | null {
  const usage = metadata.usage;
  if (typeof usage !== 'object' || usage === null) return null;
  const record = usage as Record<string, unknown>;
  const number = (key: string): number => (typeof record[key] === 'number' ? (record[key]) : 0);
  return { turns: number('turns'), modelCalls: number('modelCalls'), cacheReadTokens: number('cacheReadTokens'), inputTokens: number('inputTokens'), outputTokens: number('outputTokens'), costUsd: number('costUsd'), wallSeconds: number('wallSeconds') };
}

/** The share of input tokens read from the provider's cache, as a whole percentage. */
export function cachedPercent(usage: Pick<UsageLike, 'inputTokens' | 'cacheReadTokens'>): string {
  return `${usage.inputTokens === 0 ? 0 : Math.round((usage.cacheReadTokens / usage.inputTokens) * 100)}%`;
}
