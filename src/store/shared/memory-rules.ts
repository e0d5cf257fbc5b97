import type { z } from 'zod';
import type { MemoryItem, newMemoryItemSchema } from '../../protocol/index.js';
import { newId } from '../new-id.js';
import { StoreError } from '../store-error.js';

const MAX_LIMIT = 1000;

/** A memory read's page size: `limit`, or `fallback` when absent; an integer from 1 to 1000. */
export function checkMemoryLimit(limit: number | undefined, fallback: number): number {
  const value = limit ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw new StoreError('invalid_input', `limit must be an integer from 1 to ${MAX_LIMIT}, got ${value}`);
  }
  return value;
}

/** The memory item to store from validated input; `clock` names it (when no id is given) and dates it (when undated). */
export function newMemoryItem(parsed: z.output<typeof newMemoryItemSchema>, clock: () => number): MemoryItem {
  return {
    ...parsed,
    id: parsed.id ?? newId('mem', clock()),
    tags: parsed.tags ?? [],
    sourceIds: parsed.sourceIds ?? [],
    createdAt: parsed.createdAt ?? new Date(clock()).toISOString(),
  };
}
