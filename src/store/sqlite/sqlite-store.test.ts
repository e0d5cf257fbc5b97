import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import type { CollectiveStore } from '../collective-store.js';
import { runConformanceSuite } from '../../../test/conformance/collective-store.conformance.js';
import { createSqliteStore } from './create-sqlite-store.js';

runConformanceSuite({
  name: 'sqlite',
  createHarness: () => {
    const directory = mkdtempSync(join(tmpdir(), 'tachikoma-conformance-'));
    const path = join(directory, 'collective.db');
    const opened: CollectiveStore[] = [];
    return Promise.resolve({
      open: (options) => {
        const store = createSqliteStore(path, options);
        opened.push(store);
        return Promise.resolve(store);
      },
      insertForeignMessage: (row) => {
        const db = new Database(path);
        db.pragma('busy_timeout = 5000');
        db.prepare(
          'INSERT INTO messages (id, v, sender, recipient, type, timestamp, content, metadata) VALUES (?, 1, ?, ?, ?, ?, ?, ?)',
        ).run(row.id, row.sender, row.recipient, row.type, row.timestamp, row.content, row.metadataText);
        db.close();
        return Promise.resolve();
      },
      destroy: async () => {
        for (const store of opened) await store.close();
        rmSync(directory, { recursive: true, force: true });
      },
    });
  },
});
