import { StoreError } from '../store-error.js';
import { quoteIdentifier } from './postgres-connection.js';
import type { PostgresContext } from './postgres-context.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { withRetry } from './postgres-retry.js';

/** The newest schema version this build writes. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;

/** Arbitrary first key of the migration advisory lock (the second is the schema's hash). */
const MIGRATION_LOCK_CLASS = 0x7ac1;

/**
 * Creates the schema and brings it up to POSTGRES_SCHEMA_VERSION in one transaction, safe when many
 * processes open a new collective at once: a transaction-level advisory lock keyed on the schema name admits
 * one migrator at a time and each re-reads the version under it. A schema written by a newer build is refused.
 */
export function migrate(context: PostgresContext, schema: string): Promise<void> {
  return withRetry(context, { idempotent: true }, async () => {
    const client = await context.pool.connect();
    let discard = false;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      await client.query(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at text NOT NULL)');
      const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
      const current = rows[0]?.version ?? 0;
      if (current > POSTGRES_SCHEMA_VERSION) {
        throw new StoreError('unavailable', `schema ${schema} has store version ${current}, newer than this build's ${POSTGRES_SCHEMA_VERSION}; upgrade tachikoma`);
      }
      for (const migration of POSTGRES_MIGRATIONS) {
        if (migration.version <= current) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.description,
          new Date().toISOString(),
        ]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        discard = true;
      });
      throw error;
    } finally {
      client.release(discard);
    }
  });
}
