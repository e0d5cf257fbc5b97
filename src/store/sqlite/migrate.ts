import type Libsql from 'libsql';
import { StoreError } from '../store-error.js';
import { MIGRATIONS } from './migrations.js';
import { retryWhileBusy } from './sqlite-context.js';

/** The newest schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the file's schema up to SCHEMA_VERSION, one migration per transaction, safe when many processes open
 * the same new file at once (the write lock serialises them; each re-reads the version inside its transaction).
 * A file written by a newer build is refused rather than guessed at.
 */
export function migrate(db: Libsql.Database, busyTimeoutMs: number): void {
  // Usually the schema is current: a plain read, with no write lock for every process that opens the file.
  if (readUserVersion(db) === SCHEMA_VERSION) return;
  for (const migration of MIGRATIONS) {
    retryWhileBusy(busyTimeoutMs, () => db.transaction(() => {
      const current = readUserVersion(db);
      if (current > SCHEMA_VERSION) {
        throw new StoreError('unavailable', `the store file has schema version ${current}, newer than this build's ${SCHEMA_VERSION}; upgrade tachikoma`);
      }
      if (current >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate());
  }
}

function readUserVersion(db: Libsql.Database): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version?: unknown } | undefined;
  const version = row?.user_version;
  if (typeof version !== 'number') throw new StoreError('corrupt', 'cannot read the store schema version (PRAGMA user_version)');
  return version;
}
