import { describe, expect } from 'vitest';
import { StoreError } from '../../src/store/store-error.js';
import { registerInstances, useCaseContext } from './conformance-context.js';
import type { ConformanceTarget } from './store-harness.js';

/** The coverage map: who read what, counted per instance and area, shared by every handle; no history. */
export function coverageCases(target: ConformanceTarget): void {
  describe('coverage', () => {
    const { test } = useCaseContext(target);

    test('coverage is counted per instance and area, seen from another handle, and writes no history', async ({ store, reopen }) => {
      await registerInstances(store, 2);
      const before = await store.lastHistorySeq();
      await store.recordCoverage('instance_1', ['src/a.ts', 'src/b.ts', 'src/a.ts'], 'read_files');
      await store.recordCoverage('instance_1', ['src/a.ts'], 'grep');
      const other = await reopen();
      await other.recordCoverage('instance_2', ['src/b.ts'], 'audit_files');
      const all = await store.listCoverage();
      expect(all.map((entry) => [entry.area, entry.instance, entry.count, entry.via])).toEqual([
        ['src/a.ts', 'instance_1', 2, 'grep'],
        ['src/b.ts', 'instance_1', 1, 'read_files'],
        ['src/b.ts', 'instance_2', 1, 'audit_files'],
      ]);
      expect((await other.listCoverage({ instance: 'instance_2' })).map((entry) => entry.area)).toEqual(['src/b.ts']);
      expect(await store.lastHistorySeq()).toBe(before);
    });

    test('coverage of an unknown instance or with an empty area is refused and records nothing', async ({ store }) => {
      await registerInstances(store, 1);
      await expect(store.recordCoverage('instance_9', ['src/a.ts'], 'read_files')).rejects.toSatisfy((error) => StoreError.isInstance(error) && error.code === 'not_found');
      await expect(store.recordCoverage('instance_1', ['src/a.ts', ''], 'read_files')).rejects.toSatisfy((error) => StoreError.isInstance(error) && error.code === 'invalid_input');
      expect(await store.listCoverage()).toEqual([]);
    });
  });
}
