import { type Usage, addUsage, NO_USAGE, usageSchema } from './budget.js';

/** One instance's spending as `status` shows it: its usage without turns and time, and the cached share. */
export interface UsageLine extends Omit<Usage, 'turns' | 'wallSeconds'> {
  /** Share of the input tokens read from the provider's cache, 0 to 1. */
  cachedShare: number;
}

/** The usage an instance's registry metadata reports, or null when it reports none. */
export function usageFromMetadata(metadata: Record<string, unknown>): Usage | null {
  const parsed = usageSchema.safeParse(metadata.usage);
  return parsed.success ? parsed.data : null;
}

function lineOf(usage: Usage): UsageLine {
  const { turns: _turns, wallSeconds: _wallSeconds, ...line } = usage;
  return { ...line, cachedShare: usage.inputTokens === 0 ? 0 : Math.round((usage.cacheReadTokens / usage.inputTokens) * 1000) / 1000 };
}

/** Tokens, cached share and cost per instance (those that report usage) and for the whole collective. */
export function summarizeUsage(instances: ReadonlyArray<{ id: string; metadata: Record<string, unknown> }>): { total: UsageLine; instances: Record<string, UsageLine> } {
  let total = NO_USAGE;
  const lines: Record<string, UsageLine> = {};
  for (const record of instances) {
    const usage = usageFromMetadata(record.metadata);
    if (usage === null) continue;
    total = addUsage(total, usage);
    lines[record.id] = lineOf(usage);
  }
  return { total: lineOf(total), instances: lines };
}

/** A token count in a few characters: 950, 12k, 1.3M. */
export function shortCount(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  return String(value);
}

/** Dollars with cents, or four decimals under a dollar. */
export function dollars(value: number): string {
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`;
}

/** One line of spending: calls, tokens in (cached share) and out, cost. */
export function usageText(line: UsageLine): string {
  return `${line.modelCalls} model calls · ${shortCount(line.inputTokens)} tokens in (${Math.round(line.cachedShare * 100)}% cached) · ${shortCount(line.outputTokens)} out · ${dollars(line.costUsd)}`;
}
