import { StoreError } from './store-error.js';
import type { CollectiveStore, StoreOptions } from './collective-store.js';
import { createSqliteStore } from './sqlite/create-sqlite-store.js';

/**
 * Opens the store a `--store` value names: absent or `sqlite` → the SQLite file `defaultSqlitePath`;
 * `sqlite:<path>` or a file path → that SQLite file; `postgres://…` → PostgreSQL.
 */
export function openStore(spec: string | undefined, defaultSqlitePath: string, options: StoreOptions = {}): CollectiveStore {
  if (spec === undefined || spec === '' || spec === 'sqlite') return createSqliteStore(defaultSqlitePath, options);
  if (spec.startsWith('postgres://') || spec.startsWith('postgresql://')) {
    throw new StoreError('unavailable', 'the PostgreSQL store is not part of this build yet; use the default SQLite store (omit --store)');
  }
  const path = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
  return createSqliteStore(path, options);
}
