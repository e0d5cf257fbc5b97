import {
  MEMORY_SCHEMA_VERSION,
  type MemoryItem,
  type NewMemoryItem,
  idSchema,
  memoryItemSchema,
  newMemoryItemSchema,
} from '../../protocol/index.js';
import type { MemoryHit, MemoryListOptions, MemorySearchOptions } from '../collective-store.js';
import { queryWords } from '../memory-query.js';
import { checkMemoryLimit, newMemoryItem } from '../shared/memory-rules.js';
import { memoryClash } from '../shared/replay-rules.js';
import { StoreError } from '../store-error.js';
import { type PostgresContext, type Queryable, decodeRow, reader } from './postgres-context.js';
import { validateInput } from '../shared/records.js';
import { writeTransaction } from './postgres-transaction.js';

interface MemoryRow {
  id: string;
  record: string;
}

/** The text search configuration the migrations create: English stemming, no stop words (like FTS5's porter). */
const TEXT_CONFIG = 'tachikoma_text';

/**
 * A to_tsquery expression for free text: each word single-quoted (words are letters, digits and _ only, so no
 * query text is ever tsquery syntax), joined by | so partial matches still rank. Null when there are no words.
 */
export function tsQuery(query: string): string | null {
  const words = queryWords(query);
  if (words.length === 0) return null;
  return words.map((word) => `'${word}'`).join(' | ');
}

async function readMemory(context: PostgresContext, db: Queryable, memoryId: string): Promise<MemoryItem | undefined> {
  const [row] = await db.query<MemoryRow>('SELECT id, record FROM memory WHERE id = $1', [memoryId]);
  return row === undefined ? undefined : decodeRow(context, memoryItemSchema, 'memory', row.id, row.record);
}

/** Stores a memory item with its search vector; an id written again returns the stored item. */
export function remember(context: PostgresContext, input: NewMemoryItem): Promise<MemoryItem> {
  const parsed = validateInput(newMemoryItemSchema, input, 'memory item');
  return writeTransaction(context, async (tx) => {
    const item = newMemoryItem(parsed, () => context.clock());
    const inserted = await tx.query(
      `INSERT INTO memory (id, v, kind, importance, created_ms, search, record)
       VALUES ($1, $2, $3, $4, $5, to_tsvector('${TEXT_CONFIG}', $6::text || ' ' || $7::text), $8)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [item.id, MEMORY_SCHEMA_VERSION, item.kind, item.importance, Date.parse(item.createdAt), item.content, item.tags.join(' '), JSON.stringify(item)],
    );
    if (inserted.length === 0) {
      const existing = await readMemory(context, tx, item.id);
      if (existing === undefined) throw new StoreError('corrupt', `memory item ${item.id} exists but cannot be read`);
      const clash = memoryClash(existing, item);
      if (clash !== null) throw clash;
      return existing;
    }
    tx.history('memory', 'remembered', item.id, item);
    return item;
  });
}

/** One memory item, or null. */
export async function getMemory(context: PostgresContext, memoryId: string): Promise<MemoryItem | null> {
  return (await readMemory(context, reader(context), validateInput(idSchema, memoryId, 'memory id'))) ?? null;
}

/** Full-text search ranked by ts_rank (higher is better); ties go to the older item. */
export async function searchMemory(context: PostgresContext, query: string, options: MemorySearchOptions = {}): Promise<MemoryHit[]> {
  const limit = checkMemoryLimit(options.limit, 10);
  const match = tsQuery(query);
  if (match === null) return [];
  const rows = await reader(context).query<MemoryRow & { rank: number }>(
    `SELECT m.id, m.record, ts_rank(m.search, q.query) AS rank
     FROM memory m, to_tsquery('${TEXT_CONFIG}', $1) AS q(query)
     WHERE m.search @@ q.query AND ($2::text[] IS NULL OR m.kind = ANY($2::text[]))
     ORDER BY rank DESC, m.position LIMIT $3`,
    [match, options.kinds ?? null, limit],
  );
  return rows.flatMap((row) => {
    const item = decodeRow(context, memoryItemSchema, 'memory', row.id, row.record);
    return item === undefined ? [] : [{ item, relevance: row.rank }];
  });
}

/** Memory by recency (newest first) or importance (highest first). */
export async function listMemory(context: PostgresContext, options: MemoryListOptions): Promise<MemoryItem[]> {
  const limit = checkMemoryLimit(options.limit, 50);
  const order = options.order === 'importance' ? 'importance DESC, created_ms DESC' : 'created_ms DESC, position DESC';
  const rows = await reader(context).query<MemoryRow>(
    `SELECT id, record FROM memory WHERE ($1::text[] IS NULL OR kind = ANY($1::text[])) ORDER BY ${order} LIMIT $2`,
    [options.kinds ?? null, limit],
  );
  return rows.flatMap((row) => decodeRow(context, memoryItemSchema, 'memory', row.id, row.record) ?? []);
}

/** How many memory items there are. */
export async function countMemory(context: PostgresContext): Promise<number> {
  const [row] = await reader(context).query<{ n: number }>('SELECT count(*)::int AS n FROM memory');
  return row?.n ?? 0;
}
