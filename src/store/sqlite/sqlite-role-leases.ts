import { idSchema, instanceIdSchema } from '../../protocol/index.js';
import type { RoleLease } from '../collective-store.js';
import { StoreError } from '../store-error.js';
import { type SqliteContext, appendHistory, nowIso, requireInstance, sql, validateInput, writeTransaction } from './sqlite-context.js';

interface LeaseRow {
  name: string;
  holder: string;
  term: number;
  acquired_at: string;
  expires_ms: number;
}

const MAX_TTL_MS = 24 * 3600 * 1000;

function toLease(row: LeaseRow): RoleLease {
  return { name: row.name, holder: row.holder, term: row.term, acquiredAt: row.acquired_at, expiresAt: new Date(row.expires_ms).toISOString() };
}

function readRow(context: SqliteContext, name: string): LeaseRow | undefined {
  return sql(context, 'SELECT * FROM role_leases WHERE name = ?').get(name) as LeaseRow | undefined;
}

export function acquireRoleLease(context: SqliteContext, name: string, holder: string, ttlMs: number): RoleLease | null {
  const leaseName = validateInput(idSchema, name, 'lease name');
  const claimer = validateInput(instanceIdSchema, holder, 'lease holder');
  if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) throw new StoreError('invalid_input', `ttlMs must be an integer from 1 to ${MAX_TTL_MS}`);
  return writeTransaction(context, () => {
    requireInstance(context, claimer, 'lease holder');
    const now = context.clock();
    const row = readRow(context, leaseName);
    const live = row !== undefined && row.expires_ms > now;
    if (live && row.holder !== claimer) return null;
    const sameHolder = row !== undefined && row.holder === claimer && live;
    const next: LeaseRow = {
      name: leaseName,
      holder: claimer,
      term: sameHolder ? row.term : (row?.term ?? 0) + 1,
      acquired_at: sameHolder ? row.acquired_at : nowIso(context),
      expires_ms: now + ttlMs,
    };
    sql(
      context,
      `INSERT INTO role_leases (name, holder, term, acquired_at, expires_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, term = excluded.term, acquired_at = excluded.acquired_at, expires_ms = excluded.expires_ms`,
    ).run(next.name, next.holder, next.term, next.acquired_at, next.expires_ms);
    if (!sameHolder) appendHistory(context, 'lease', row === undefined || !live ? 'acquired' : 'taken_over', leaseName, { ...toLease(next), previous: row?.holder ?? null });
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
