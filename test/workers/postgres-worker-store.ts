import { z } from 'zod';
import type { CollectiveStore, PostgresStoreOptions } from '../../src/store/index.js';
import { createPostgresStore } from '../../src/store/postgres/create-postgres-store.js';

/** The part of a PostgreSQL worker's config that names its store: the server URL and the collective's schema. */
export const postgresStoreConfig = {
  url: z.string().startsWith('postgres'),
  schema: z.string(),
};

/** Opens the PostgreSQL collective a worker's config names. */
export function openWorkerStore(config: { url: string; schema: string }, options: PostgresStoreOptions = {}): CollectiveStore {
  return createPostgresStore(config.url, { ...options, schema: config.schema, maxConnections: 2 });
}
