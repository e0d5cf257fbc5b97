import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Helpers for tests that need a PostgreSQL server. The server comes from the environment: set
 * TACHIKOMA_TEST_PG_URL to a superuser URL of a throwaway server, e.g. a private cluster started with
 *   mkdir -p DIR && chown postgres DIR
 *   runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D DIR -A trust
 *   runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D DIR -l DIR/log \
 *     -o "-p 54329 -k DIR -c listen_addresses=127.0.0.1 -c max_connections=300" -w start
 *   export TACHIKOMA_TEST_PG_URL=postgres://postgres@127.0.0.1:54329/postgres
 * Each test works in its own uniquely named schema and drops it afterwards.
 */
export const TEST_PG_URL_VARIABLE = 'TACHIKOMA_TEST_PG_URL';

/** The test server's URL, or undefined after printing a loud notice that the suite is skipped and how to enable it. */
export function testPostgresUrl(suite: string): string | undefined {
  const url = process.env[TEST_PG_URL_VARIABLE];
  if (url !== undefined && url !== '') return url;
  console.warn(
    `\n*** SKIPPED ${suite}: no PostgreSQL server. Set ${TEST_PG_URL_VARIABLE}=postgres://postgres@127.0.0.1:54329/postgres ` +
      `(a throwaway server; see test/support/postgres-cluster.ts for how to start one) to run these tests. ***\n`,
  );
  return undefined;
}

/** A schema name no other test run uses. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Runs `work` on a fresh connection to the test server and closes it. */
export async function withServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops a test schema and everything in it. */
export function dropSchema(url: string, schema: string): Promise<void> {
  return withServer(url, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  });
}

/** Ends every server session whose application_name is `applicationName`, as a server restart would; returns how many. */
export function terminateSessions(url: string, applicationName: string): Promise<number> {
  return withServer(url, async (client) => {
    const { rows } = await client.query<{ ended: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [applicationName],
    );
    return rows.filter((row) => row.ended).length;
  });
}

/** A message row written by hand, bypassing validation, as a foreign tool or another build might. */
export interface ForeignMessage {
  id: string;
  v: number;
  sender: string;
  recipient: string;
  type: string;
  timestamp: string;
  content: string;
  metadata: string;
}

/** Writes foreign rows into a collective's messages table, taking seqs from its counter as the store does; returns them. */
export function insertForeignMessages(url: string, schema: string, rows: readonly ForeignMessage[]): Promise<number[]> {
  const table = (name: string): string => `${pg.escapeIdentifier(schema)}.${name}`;
  return withServer(url, async (client) => {
    const seqs: number[] = [];
    for (const row of rows) {
      const { rows: inserted } = await client.query<{ seq: string }>(
        `WITH counter AS (UPDATE ${table('counters')} SET message_seq = message_seq + 1 WHERE id = 1 RETURNING message_seq)
         INSERT INTO ${table('messages')} (seq, id, v, sender, recipient, type, timestamp, content, metadata)
         SELECT message_seq, $1, $2, $3, $4, $5, $6, $7, $8 FROM counter RETURNING seq`,
        [row.id, row.v, row.sender, row.recipient, row.type, row.timestamp, row.content, row.metadata],
      );
      seqs.push(Number(inserted[0]?.seq));
    }
    return seqs;
  });
}
