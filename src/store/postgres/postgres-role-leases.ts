import { idSchema, instanceIdSchema } from '../../protocol/index.js';
import type { RoleLease } from '../collective-store.js';
import { type LeaseRow, acquireOver, checkTtl, toLease } from '../shared/role-lease-rules.js';
import { StoreError } from '../store-error.js';
import { type PostgresContext, type Queryable, nowIso, reader, requireInstance } from './postgres-context.js';
import { validateInput } from '../shared/records.js';
import { writeTransaction } from './postgres-transaction.js';

async function readRow(db: Queryable, name: string, lock: boolean): Promise<LeaseRow | undefined> {
  const [row] = await db.query<LeaseRow>(`SELECT name, holder, term, acquired_at, expires_ms FROM role_leases WHERE name = $1${lock ? ' FOR UPDATE' : ''}`, [name]);
  return row;
}

/** Takes, renews or takes over a role lease; the row lock (or the insert of a new row) admits one holder at a time. */
export function acquireRoleLease(context: PostgresContext, name: string, holder: string, ttlMs: number): Promise<RoleLease | null> {
  const leaseName = validateInput(idSchema, name, 'lease name');
  const claimer = validateInput(instanceIdSchema, holder, 'lease holder');
  checkTtl(ttlMs);
  return writeTransaction(context, async (tx) => {
    await requireInstance(context, tx, claimer, 'lease holder');
    const now = context.clock();
    const first: LeaseRow = { name: leaseName, holder: claimer, term: 1, acquired_at: nowIso(context), expires_ms: now + ttlMs };
    const inserted = await tx.query(
      'INSERT INTO role_leases (name, holder, term, acquired_at, expires_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING name',
      [first.name, first.holder, first.term, first.acquired_at, first.expires_ms],
    );
    if (inserted.length > 0) {
      tx.history('lease', 'acquired', leaseName, { ...toLease(first), previous: null });
      return toLease(first);
    }
    const row = await readRow(tx, leaseName, true);
    if (row === undefined) throw new StoreError('corrupt', `role lease ${leaseName} vanished while being acquired`);
    const acquired = acquireOver(row, leaseName, claimer, now, ttlMs, () => nowIso(context));
    if (acquired === null) return null;
    const { next, history } = acquired;
    await tx.query('UPDATE role_leases SET holder = $2, term = $3, acquired_at = $4, expires_ms = $5 WHERE name = $1', [
      next.name,
      next.holder,
      next.term,
      next.acquired_at,
      next.expires_ms,
    ]);
    if (history !== undefined) tx.history('lease', history.action, leaseName, history.data);
    return toLease(next);
  });
}

/** Ends a live lease held by `holder` now; false when it did not hold it. */
export function releaseRoleLease(context: PostgresContext, name: string, holder: string): Promise<boolean> {
  const leaseName = validateInput(idSchema, name, 'lease name');
  return writeTransaction(context, async (tx) => {
    const row = await readRow(tx, leaseName, true);
    if (row === undefined || row.holder !== holder || row.expires_ms <= context.clock()) return false;
    await tx.query('UPDATE role_leases SET expires_ms = $2 WHERE name = $1', [leaseName, context.clock()]);
    tx.history('lease', 'released', leaseName, { ...toLease(row), expiresAt: nowIso(context) });
    return true;
  });
}

/** The live lease on a role, or null. */
export async function getRoleLease(context: PostgresContext, name: string): Promise<RoleLease | null> {
  const row = await readRow(reader(context), validateInput(idSchema, name, 'lease name'), false);
  return row === undefined || row.expires_ms <= context.clock() ? null : toLease(row);
}
