import { type MemoryItem, type Message, canonicalJson } from '../../protocol/index.js';
import { StoreError } from '../store-error.js';

/**
 * Writing an id that is already stored is how a replayed turn stays exactly-once: the same write again returns
 * the stored record. The same id with different content is never that: it would be a write reported as done
 * that the store does not hold. These rules say which fields must match; timestamps may differ between lives.
 */
function clash(kind: string, id: string, fields: readonly string[]): StoreError {
  return new StoreError(
    'conflict',
    `${kind} ${id} is already stored with a different ${fields.join(', ')}; a write under an existing id must repeat it exactly (use a new id for new content)`,
  );
}

/** Null when `incoming` repeats the stored message; otherwise the `conflict` error to reject it with. */
export function messageClash(stored: Message, incoming: Omit<Message, 'seq'>): StoreError | null {
  const differing = [
    stored.from === incoming.from ? null : 'sender',
    stored.to === incoming.to ? null : 'recipient',
    stored.type === incoming.type ? null : 'type',
    stored.content === incoming.content ? null : 'content',
    canonicalJson(stored.metadata) === canonicalJson(incoming.metadata) ? null : 'metadata',
  ].filter((field) => field !== null);
  return differing.length === 0 ? null : clash('message', stored.id, differing);
}

/** Null when `incoming` repeats the stored memory item; otherwise the `conflict` error to reject it with. */
export function memoryClash(stored: MemoryItem, incoming: MemoryItem): StoreError | null {
  const differing = [
    stored.kind === incoming.kind ? null : 'kind',
    stored.content === incoming.content ? null : 'content',
    stored.author === incoming.author ? null : 'author',
    stored.importance === incoming.importance ? null : 'importance',
    canonicalJson(stored.tags) === canonicalJson(incoming.tags) ? null : 'tags',
    canonicalJson(stored.sourceIds) === canonicalJson(incoming.sourceIds) ? null : 'sourceIds',
  ].filter((field) => field !== null);
  return differing.length === 0 ? null : clash('memory item', stored.id, differing);
}
