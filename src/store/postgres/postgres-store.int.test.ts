import { describe, it } from 'vitest';
import { dropSchema, insertForeignMessages, testPostgresUrl, uniqueSchema } from '../../../test/support/postgres-cluster.js';
import type { CollectiveStore } from '../collective-store.js';
import { runConformanceSuite } from '../../../test/conformance/collective-store.conformance.js';
import { createPostgresStore } from './create-postgres-store.js';

const url = testPostgresUrl('the PostgreSQL CollectiveStore conformance suite');

if (url === undefined) {
  describe.skip('CollectiveStore conformance: postgres (TACHIKOMA_TEST_PG_URL is not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  const server = url;
  runConformanceSuite({
    name: 'postgres',
    createHarness: () => {
      const schema = uniqueSchema('tk_conformance');
      const opened: CollectiveStore[] = [];
      return Promise.resolve({
        open: (options) => {
          const store = createPostgresStore(server, { ...options, schema, maxConnections: 3 });
          opened.push(store);
          return Promise.resolve(store);
        },
        insertForeignMessage: async (row) => {
          await insertForeignMessages(server, schema, [{ ...row, v: 1, metadata: row.metadataText }]);
        },
        destroy: async () => {
          for (const store of opened) await store.close();
          await dropSchema(server, schema);
        },
      });
    },
  });
}
