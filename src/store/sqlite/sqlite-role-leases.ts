import { idSchema, instanceIdSchema } from '../../protocol/index.js';
import type { RoleLease } from '../collective-store.js';
import { type LeaseRow, acquireOver, checkTtl, toLease } from '../shared/role-lease-rules.js';
import { type SqliteContext, appendHistory, nowIso, requireInstance, sql, validateInput, writeTransaction } from './sqlite-context.js';

function readRow(context: SqliteContext, name: string): LeaseRow | undefined {
  return sql(context, 'SELECT * FROM role_leases WHERE name = ?').get(name) as LeaseRow | undefined;
}

export function acquireRoleLease(context: SqliteContext, name: string, holder: string, ttlMs: number): RoleLease | null {
  const leaseName = validateInput(idSchema, name, 'lease name');
  const claimer = validateInput(instanceIdSchema, holder, 'lease holder');
  checkTtl(ttlMs);
  return writeTransaction(context, () => {
    requireInstance(context, claimer, 'lease holder');
    const now = context.clock();
    const row = readRow(context, leaseName);
    const acquired = acquireOver(row, leaseName, claimer, now, ttlMs, () => nowIso(context));
    if (acquired === null) return null;
    const { next, history } = acquired;
    sql(
      context,
      `INSERT INTO role_leases (name, holder, term, acquired_at, expires_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, term = excluded.term, acquired_at = excluded.acquired_at, expires_ms = excluded.expires_ms`,
    ).run(next.name, next.holder, next.term, next.acquired_at, next.expires_ms);
    if (history !== undefined) appendHistory(context, 'lease', history.action, leaseName, history.data);
    return toLease(next);
  });
}

export function releaseRoleLease(context: SqliteContext, name: string, holder: string): boolean {
  const leaseName = validateInput(idSchema, name, 'lease name');
  return writeTransaction(context, () => {
    const row = readRow(context, leaseName);
    if (row === undefined || row.holder !== holder || row.expires_ms <= context.clock()) return false;
    sql(context, 'UPDATE role_leases SET expires_ms = ? WHERE name = ?').run(context.clock(), leaseName);
    appendHistory(context, 'lease', 'released', leaseName, { ...toLease(row), expiresAt: nowIso(context) });
    return true;
  });
}

export function getRoleLease(context: SqliteContext, name: string): RoleLease | null {
  const row = readRow(context, validateInput(idSchema, name, 'lease name'));
  return row === undefined || row.expires_ms <= context.clock() ? null : toLease(row);
}
