import {
  MEMORY_SCHEMA_VERSION,
  type MemoryItem,
  type NewMemoryItem,
  idSchema,
  memoryItemSchema,
  newMemoryItemSchema,
} from '../../protocol/index.js';
import type { MemoryHit, MemoryListOptions, MemorySearchOptions } from '../collective-store.js';
import { ftsQuery } from '../memory-query.js';
import { checkMemoryLimit, newMemoryItem } from '../shared/memory-rules.js';
import { memoryClash } from '../shared/replay-rules.js';
import { StoreError } from '../store-error.js';
import { type SqliteContext, appendHistory, decodeRow, sql, validateInput, writeTransaction } from './sqlite-context.js';

interface MemoryRow {
  id: string;
  record: string;
}

function kindsParameter(kinds: readonly string[] | undefined): string | null {
  return kinds === undefined ? null : JSON.stringify(kinds);
}

function readMemory(context: SqliteContext, memoryId: string): MemoryItem | undefined {
  const row = sql(context, 'SELECT id, record FROM memory WHERE id = ?').get(memoryId) as MemoryRow | undefined;
  return row === undefined ? undefined : decodeRow(context, memoryItemSchema, 'memory', row.id, row.record);
}

export function remember(context: SqliteContext, input: NewMemoryItem): MemoryItem {
  const parsed = validateInput(newMemoryItemSchema, input, 'memory item');
  return writeTransaction(context, () => {
    const item = newMemoryItem(parsed, () => context.clock());
    const inserted = sql(
      context,
      `INSERT INTO memory (id, v, kind, importance, created_ms, record) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING RETURNING rowid`,
    ).get(item.id, MEMORY_SCHEMA_VERSION, item.kind, item.importance, Date.parse(item.createdAt), JSON.stringify(item)) as
      | { rowid: number }
      | undefined;
    if (inserted === undefined) {
      const existing = readMemory(context, item.id);
      if (existing === undefined) throw new StoreError('corrupt', `memory item ${item.id} exists but cannot be read`);
      const clash = memoryClash(existing, item);
      if (clash !== null) throw clash;
      return existing;
    }
    sql(context, 'INSERT INTO memory_fts (rowid, content, tags) VALUES (?, ?, ?)').run(inserted.rowid, item.content, item.tags.join(' '));
    appendHistory(context, 'memory', 'remembered', item.id, item);
    return item;
  });
}

export function getMemory(context: SqliteContext, memoryId: string): MemoryItem | null {
  return readMemory(context, validateInput(idSchema, memoryId, 'memory id')) ?? null;
}

export function searchMemory(context: SqliteContext, query: string, options: MemorySearchOptions = {}): MemoryHit[] {
  const limit = checkMemoryLimit(options.limit, 10);
  const match = ftsQuery(query);
  if (match === null) return [];
  const kinds = kindsParameter(options.kinds);
  const rows = sql(
    context,
    `SELECT m.id, m.record, bm25(memory_fts) AS rank FROM memory_fts
     JOIN memory m ON m.rowid = memory_fts.rowid
     WHERE memory_fts MATCH ? AND (? IS NULL OR m.kind IN (SELECT value FROM json_each(?)))
     ORDER BY rank LIMIT ?`,
  ).all(match, kinds, kinds, limit) as Array<MemoryRow & { rank: number }>;
  return rows.flatMap((row) => {
    const item = decodeRow(context, memoryItemSchema, 'memory', row.id, row.record);
    return item === undefined ? [] : [{ item, relevance: -row.rank }];
  });
}

export function listMemory(context: SqliteContext, options: MemoryListOptions): MemoryItem[] {
  const limit = checkMemoryLimit(options.limit, 50);
  const kinds = kindsParameter(options.kinds);
  const order = options.order === 'importance' ? 'importance DESC, created_ms DESC' : 'created_ms DESC, rowid DESC';
  const rows = sql(
    context,
    `SELECT id, record FROM memory WHERE (? IS NULL OR kind IN (SELECT value FROM json_each(?))) ORDER BY ${order} LIMIT ?`,
  ).all(kinds, kinds, limit) as MemoryRow[];
  return rows.flatMap((row) => decodeRow(context, memoryItemSchema, 'memory', row.id, row.record) ?? []);
}

export function countMemory(context: SqliteContext): number {
  return (sql(context, 'SELECT COUNT(*) AS n FROM memory').get() as { n: number }).n;
}
