import type { CoverageEntry } from '../collective-store.js';
import { type CoverageRow, checkCoverage } from '../shared/coverage-rules.js';
import { type PostgresContext, nowIso, reader, requireInstance } from './postgres-context.js';
import { writeTransaction } from './postgres-transaction.js';

export function recordCoverage(context: PostgresContext, instanceId: string, areas: readonly string[], via: string): Promise<void> {
  const input = checkCoverage(instanceId, areas, via);
  if (input.areas.length === 0) return Promise.resolve();
  return writeTransaction(context, async (tx) => {
    await requireInstance(context, tx, input.instanceId, 'instance');
    const at = nowIso(context);
    // One statement for every area: the rows are upserted in one round trip, in a stable order (no deadlock
    // between two instances recording overlapping areas).
    await tx.query(
      `INSERT INTO coverage (instance, area, via, count, first_at, last_at)
       SELECT $1, area, $3, 1, $4, $4 FROM unnest($2::text[]) AS area ORDER BY area
       ON CONFLICT (area, instance) DO UPDATE SET via = excluded.via, count = coverage.count + 1, last_at = excluded.last_at`,
      [input.instanceId, input.areas, input.via, at],
    );
  });
}

export async function listCoverage(context: PostgresContext, query: { instance?: string } = {}): Promise<CoverageEntry[]> {
  const db = reader(context);
  const rows =
    query.instance === undefined
      ? await db.query<CoverageRow>('SELECT * FROM coverage ORDER BY area COLLATE "C", instance COLLATE "C"')
      : await db.query<CoverageRow>('SELECT * FROM coverage WHERE instance = $1 ORDER BY area COLLATE "C", instance COLLATE "C"', [query.instance]);
  return rows.map((row) => ({ instance: row.instance, area: row.area, via: row.via, count: Number(row.count), firstAt: row.first_at, lastAt: row.last_at }));
}
