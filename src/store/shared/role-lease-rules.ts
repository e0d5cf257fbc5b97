import type { RoleLease } from '../collective-store.js';
import { StoreError } from '../store-error.js';

/** A role_leases row, as both backends store it. */
export interface LeaseRow {
  name: string;
  holder: string;
  term: number;
  acquired_at: string;
  expires_ms: number;
}

const MAX_TTL_MS = 24 * 3600 * 1000;

export function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) throw new StoreError('invalid_input', `ttlMs must be an integer from 1 to ${MAX_TTL_MS}`);
}

export function toLease(row: LeaseRow): RoleLease {
  return { name: row.name, holder: row.holder, term: row.term, acquiredAt: row.acquired_at, expiresAt: new Date(row.expires_ms).toISOString() };
}

/** An acquire's result: the row to write, and the history entry when the holder or term changes (none on a renewal). */
export interface LeaseAcquired {
  next: LeaseRow;
  history: { action: 'acquired' | 'taken_over'; data: RoleLease & { previous: string | null } } | undefined;
}

/**
 * What acquiring `name` for `claimer` at `now` writes over the current row (undefined when there is none):
 * null while another holder's lease is live; the same term renewed for the live holder; otherwise a new term.
 */
export function acquireOver(
  row: LeaseRow | undefined,
  name: string,
  claimer: string,
  now: number,
  ttlMs: number,
  acquiredAt: () => string,
): LeaseAcquired | null {
  const live = row !== undefined && row.expires_ms > now;
  if (live && row.holder !== claimer) return null;
  const sameHolder = row !== undefined && row.holder === claimer && live;
  const next: LeaseRow = {
    name,
    holder: claimer,
    term: sameHolder ? row.term : (row?.term ?? 0) + 1,
    acquired_at: sameHolder ? row.acquired_at : acquiredAt(),
    expires_ms: now + ttlMs,
  };
  if (sameHolder) return { next, history: undefined };
  return { next, history: { action: row === undefined || !live ? 'acquired' : 'taken_over', data: { ...toLease(next), previous: row?.holder ?? null } } };
}
