import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewMemoryItem } from '../../src/protocol/index.js';
import { type CollectiveStore, createSqliteStore } from '../../src/store/index.js';

/** A fresh SQLite store in a temporary directory, and how to remove it (tests only). */
export interface TestStore {
  store: CollectiveStore;
  destroy(): Promise<void>;
}

/** Opens a store in a new temporary directory. */
export function openTestStore(): TestStore {
  const directory = mkdtempSync(join(tmpdir(), 'tachikoma-memory-test-'));
  const store = createSqliteStore(join(directory, 'collective.db'));
  return {
    store,
    destroy: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A finding by instance_1 with the given content; `ageMs` before `now`, importance 0.5 unless given. */
export function finding(content: string, now: number, overrides: Partial<NewMemoryItem> & { ageMs?: number } = {}): NewMemoryItem {
  const { ageMs = 0, ...rest } = overrides;
  return { kind: 'finding', content, importance: 0.5, author: 'instance_1', createdAt: new Date(now - ageMs).toISOString(), ...rest };
}
