import pg from 'pg';
import { StoreError } from '../store-error.js';

/** Where a PostgreSQL store lives: the server URL (without our own parameters) and the schema holding the collective. */
export interface PostgresTarget {
  connectionString: string;
  schema: string;
  /** The URL with any password replaced by `***`, for humans and logs. */
  location: string;
  /** The LISTEN/NOTIFY channel of this collective (channels are per database, so the schema is part of it). */
  channel: string;
}

/** Schema names we accept: safe to splice into SQL and into a channel name without quoting rules. */
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,47}$/;

/** The schema used when neither the URL (`?schema=`) nor the options name one. */
export const DEFAULT_SCHEMA = 'tachikoma';

/**
 * Reads a `postgres://` or `postgresql://` URL. `?schema=NAME` (or `schemaOption`, which wins) picks the
 * schema that holds the collective, so several collectives can share one database. Bad URLs → `invalid_input`.
 */
export function resolveTarget(url: string, schemaOption?: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new StoreError('invalid_input', `not a PostgreSQL URL: ${JSON.stringify(redact(url))}; expected postgres://user@host:port/database`, { cause: error });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreError('invalid_input', `not a PostgreSQL URL (${parsed.protocol}); expected postgres://user@host:port/database`);
  }
  const schema = schemaOption ?? parsed.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!SCHEMA_PATTERN.test(schema)) {
    throw new StoreError('invalid_input', `schema ${JSON.stringify(schema)} must be 1-48 characters of a-z, 0-9 and _, starting with a letter or _`);
  }
  parsed.searchParams.delete('schema');
  const shown = new URL(parsed.toString());
  if (shown.password !== '') shown.password = '***';
  shown.searchParams.set('schema', schema);
  // The search path goes in the startup packet (libpq's `options`), so every connection, fresh or
  // re-opened after a loss, is in the collective's schema before its first query.
  const startup = parsed.searchParams.get('options');
  parsed.searchParams.set('options', `${startup === null ? '' : `${startup} `}-c search_path=${schema}`);
  return { connectionString: parsed.toString(), schema, location: shown.toString(), channel: `tachikoma_${schema}` };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

/** Quotes an identifier we already validated (schema, channel). */
export function quoteIdentifier(name: string): string {
  return pg.escapeIdentifier(name);
}

const BIGINT_OID = 20;

/** bigint columns (seq, ms) come back as numbers: every value we store fits in 2^53. */
function getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === BIGINT_OID) return (value) => Number(value);
  return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
}

const types: pg.CustomTypesConfig = { getTypeParser };

/** How one store handle connects. */
export interface PostgresPoolOptions {
  /** Connections this handle may open at once. Default 4. */
  maxConnections?: number;
  /** Shown in pg_stat_activity. Default `tachikoma`. */
  applicationName?: string;
  /** How long to wait for a connection before treating the server as unreachable, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * The server ends a session that sits idle inside a transaction this long (a frozen process must not hold
   * the history lock forever), in ms. Default 15000.
   */
  idleInTransactionTimeoutMs?: number;
}

/** The settings every connection of a store uses (the URL carries the search path), with numbers for bigints. */
export function clientConfig(target: PostgresTarget, options: PostgresPoolOptions): pg.ClientConfig {
  return {
    connectionString: target.connectionString,
    application_name: options.applicationName ?? 'tachikoma',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 15_000,
    keepAlive: true,
    types,
  };
}

/** A pool for one store handle; idle connections never keep the process alive, and their errors are survived. */
export function createPool(target: PostgresTarget, options: PostgresPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    ...clientConfig(target, options),
    max: options.maxConnections ?? 4,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
  });
  // An idle connection that the server closed: the pool drops it and the next query opens a fresh one.
  pool.on('error', () => undefined);
  return pool;
}
