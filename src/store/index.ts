export * from './collective-store.js';
export * from './store-error.js';
export { createSqliteStore, type SqliteStoreOptions } from './sqlite/create-sqlite-store.js';
export type { PostgresStoreOptions } from './postgres/create-postgres-store.js';
export { isPostgresSpec, openStore } from './open-store.js';
