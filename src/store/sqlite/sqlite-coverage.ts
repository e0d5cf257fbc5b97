import type { CoverageEntry } from '../collective-store.js';
import { type CoverageRow, checkCoverage } from '../shared/coverage-rules.js';
import { type SqliteContext, nowIso, requireInstance, sql, writeTransaction } from './sqlite-context.js';

export function recordCoverage(context: SqliteContext, instanceId: string, areas: readonly string[], via: string): void {
  const input = checkCoverage(instanceId, areas, via);
  if (input.areas.length === 0) return;
  writeTransaction(context, () => {
    requireInstance(context, input.instanceId, 'instance');
    const at = nowIso(context);
    const upsert = sql(
      context,
      `INSERT INTO coverage (instance, area, via, count, first_at, last_at) VALUES (?, ?, ?, 1, ?, ?)
       ON CONFLICT (area, instance) DO UPDATE SET via = excluded.via, count = coverage.count + 1, last_at = excluded.last_at`,
    );
    for (const area of input.areas) upsert.run(input.instanceId, area, input.via, at, at);
  });
}

export function listCoverage(context: SqliteContext, query: { instance?: string } = {}): CoverageEntry[] {
  const rows = (
    query.instance === undefined
      ? sql(context, 'SELECT * FROM coverage ORDER BY area, instance').all()
      : sql(context, 'SELECT * FROM coverage WHERE instance = ? ORDER BY area, instance').all(query.instance)
  ) as CoverageRow[];
  return rows.map((row) => ({ instance: row.instance, area: row.area, via: row.via, count: Number(row.count), firstAt: row.first_at, lastAt: row.last_at }));
}
