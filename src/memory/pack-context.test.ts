import { describe, expect, it } from 'vitest';
import type { MemoryItem } from '../protocol/index.js';
import { MemoryError } from './memory-error.js';
import { estimateTokens, memoryTokens, packContext, renderMemory } from './pack-context.js';
import type { ScoredMemory } from './retrieve-memory.js';

function scored(id: string, content: string, score: number): ScoredMemory {
  const item: MemoryItem = { id, kind: 'finding', content, tags: [], importance: 0.5, author: 'instance_1', sourceIds: [], createdAt: '2026-11-25T00:00:00.000Z' };
  return { item, score, recency: 1, importance: 0.5, relevance: score };
}

describe('packContext', () => {
  const items = [scored('m_low', 'c'.repeat(200), 0.2), scored('m_best', 'a'.repeat(400), 0.9), scored('m_mid', 'b'.repeat(400), 0.5)];

  it('estimates tokens as ceil(chars / 4) of the rendered line', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcde')).toBe(2);
    const first = items[0];
    if (first === undefined) throw new Error('no item');
    expect(memoryTokens(first.item)).toBe(Math.ceil(renderMemory(first.item).length / 4) + 1);
  });

  it('keeps everything, best first, when the budget allows', () => {
    const packed = packContext(items, 10_000);
    expect(packed.items.map((memory) => memory.item.id)).toEqual(['m_best', 'm_mid', 'm_low']);
    expect(packed.tokens).toBe(items.reduce((sum, memory) => sum + memoryTokens(memory.item), 0));
  });

  it('never exceeds the budget and skips an item too large for what is left', () => {
    const best = items[1];
    const low = items[0];
    if (best === undefined || low === undefined) throw new Error('no item');
    const budget = memoryTokens(best.item) + memoryTokens(low.item);
    const packed = packContext(items, budget);
    expect(packed.items.map((memory) => memory.item.id)).toEqual(['m_best', 'm_low']);
    expect(packed.tokens).toBeLessThanOrEqual(budget);
    for (const maxTokens of [0, 1, 50, 111, 150, 260, 333]) expect(packContext(items, maxTokens).tokens).toBeLessThanOrEqual(maxTokens);
    expect(packContext(items, 0)).toEqual({ items: [], tokens: 0 });
  });

  it('rejects a negative or non-finite budget', () => {
    for (const maxTokens of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => packContext(items, maxTokens)).toThrow(MemoryError);
    }
  });
});
