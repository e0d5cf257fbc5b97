import type { CollectiveStore, StoreOptions } from './collective-store.js';
import { createSqliteStore } from './sqlite/create-sqlite-store.js';

/**
 * Opens the store a `--store` value names: absent or `sqlite` → the SQLite file `defaultSqlitePath`;
 * `sqlite:<path>` or a file path → that SQLite file; `postgres://…` or `postgresql://…` → PostgreSQL (the
 * collective lives in the URL's `?schema=`, default `tachikoma`).
 */
export async function openStore(spec: string | undefined, defaultSqlitePath: string, options: StoreOptions = {}): Promise<CollectiveStore> {
  if (spec === undefined || spec === '' || spec === 'sqlite') return createSqliteStore(defaultSqlitePath, options);
  if (isPostgresSpec(spec)) {
    // Loaded only when asked for: every SQLite instance process would otherwise carry the pg driver (~6 MB).
    const { createPostgresStore } = await import('./postgres/create-postgres-store.js');
    return createPostgresStore(spec, options);
  }
  const path = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
  return createSqliteStore(path, options);
}

/** Whether a `--store` value names a PostgreSQL server (reached over the network, maybe with TLS). */
export function isPostgresSpec(spec: string | null | undefined): boolean {
  return spec !== null && spec !== undefined && (spec.startsWith('postgres://') || spec.startsWith('postgresql://'));
}
