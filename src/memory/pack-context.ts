import type { MemoryItem } from '../protocol/index.js';
import { MemoryError } from './memory-error.js';
import type { ScoredMemory } from './retrieve-memory.js';

/** Characters per token assumed by the estimate (English prose and code average about 4 for BPE tokenizers). */
export const CHARS_PER_TOKEN = 4;

/** Estimated tokens of a text: ceil(chars / CHARS_PER_TOKEN). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** How one memory is written into a turn's context: one line, kind, id, importance and tags, then its content. */
export function renderMemory(item: MemoryItem): string {
  const tags = item.tags.length > 0 ? ` #${item.tags.join(' #')}` : '';
  return `- [${item.kind} ${item.id} importance ${item.importance.toFixed(2)}${tags}] ${item.content}`;
}

/** Estimated tokens a memory takes in a turn's context (its rendered line and the line break). */
export function memoryTokens(item: MemoryItem): number {
  return estimateTokens(renderMemory(item)) + 1;
}

/**
 * Estimates tokens (rendered line, ceil(chars/4)) and keeps the best items that fit `maxTokens`; returns the
 * items and the token count. Best = highest score (ties keep input order); an item too large for what is left
 * is skipped and smaller, lower-scored ones may still fit. The result is best first and `tokens ≤ maxTokens`.
 */
export function packContext(items: readonly ScoredMemory[], maxTokens: number): { items: ScoredMemory[]; tokens: number } {
  if (!Number.isFinite(maxTokens) || maxTokens < 0) {
    throw new MemoryError('invalid_input', `maxTokens must be a finite number ≥ 0, got ${maxTokens}`);
  }
  const ranked = items.map((memory, index) => ({ memory, index })).sort((left, right) => right.memory.score - left.memory.score || left.index - right.index);
  const kept: ScoredMemory[] = [];
  let tokens = 0;
  for (const { memory } of ranked) {
    const cost = memoryTokens(memory.item);
    if (tokens + cost > maxTokens) continue;
    kept.push(memory);
    tokens += cost;
  }
  return { items: kept, tokens };
}
