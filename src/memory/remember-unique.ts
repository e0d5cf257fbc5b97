import { type MemoryItem, type NewMemoryItem, newMemoryItemSchema } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';
import { asSearchText, codeAnchors } from './code-anchors.js';
import { NEAR_DUPLICATE_THRESHOLD, fingerprint, fingerprintSimilarity } from './near-duplicate.js';
import { focusQuery } from './query-terms.js';

/**
 * Full-text hits compared with a new item. A near-duplicate names exactly the same code, so when the item names
 * code the search asks for those names alone (as phrases: cheap, and the memories naming all of them rank
 * first); otherwise for its words, and a near-duplicate shares most of them.
 */
const DUPLICATE_CANDIDATES = 100;

/** What rememberUnique did: the stored item (new, or the one already there) and, when it was a duplicate, its id. */
export interface RememberUniqueResult {
  item: MemoryItem;
  duplicateOf: string | null;
}

/**
 * Writes a finding unless a near-identical one of the same kind is already in memory (looks up candidates by
 * full-text search); returns { item, duplicateOf }. A duplicate writes nothing and returns the stored item.
 * Writing an `id` already stored returns that item (`duplicateOf` null), as `remember` does. Not atomic across
 * processes: two writers racing with the same text may both write. Bad items reject with the store's
 * `StoreError('invalid_input')`.
 */
export async function rememberUnique(store: CollectiveStore, item: NewMemoryItem): Promise<RememberUniqueResult> {
  const parsed = newMemoryItemSchema.safeParse(item);
  if (!parsed.success) return { item: await store.remember(item), duplicateOf: null };
  const input = parsed.data;
  if (input.id !== undefined) {
    const existing = await store.getMemory(input.id);
    if (existing !== null) return { item: existing, duplicateOf: null };
  }
  const anchors = codeAnchors(input.content);
  const query = focusQuery(asSearchText(anchors.length > 0 ? anchors.join(' ') : input.content));
  const hits = query === '' ? [] : await store.searchMemory(query, { limit: DUPLICATE_CANDIDATES, kinds: [input.kind] });
  const print = fingerprint(input.content);
  const duplicate = hits.find((hit) => fingerprintSimilarity(print, fingerprint(hit.item.content)) >= NEAR_DUPLICATE_THRESHOLD);
  if (duplicate !== undefined) return { item: duplicate.item, duplicateOf: duplicate.item.id };
  return { item: await store.remember(item), duplicateOf: null };
}
