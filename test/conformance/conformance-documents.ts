import { describe, expect } from 'vitest';
import { useCaseContext } from './conformance-context.js';
import type { ConformanceTarget } from './store-harness.js';

/** Documents: whole-value writes per namespace and key, revisions, listing, durability across handles, bad input. */
export function documentCases(target: ConformanceTarget): void {
  describe('documents', () => {
    const { test } = useCaseContext(target);

    test('a document is written whole, read back from another handle, and its revision grows per write', async ({ store, reopen }) => {
      expect(await store.getDocument('notebook', 'instance_1')).toBeNull();
      const first = await store.putDocument('notebook', 'instance_1', { turns: [{ tool: 'read_files', result: 'ok' }], summary: '' });
      expect(first).toMatchObject({ namespace: 'notebook', key: 'instance_1', revision: 1 });
      const second = await store.putDocument('notebook', 'instance_1', { turns: [], summary: 'turn 1: read a.ts' });
      expect(second.revision).toBe(2);
      const other = await reopen();
      const read = await other.getDocument('notebook', 'instance_1');
      expect(read).toMatchObject({ value: { turns: [], summary: 'turn 1: read a.ts' }, revision: 2 });
      expect(typeof read?.updatedAt).toBe('string');
    });

    test('listDocuments returns one namespace only, ordered by key', async ({ store }) => {
      await store.putDocument('notebook', 'instance_2', 'two');
      await store.putDocument('notebook', 'instance_10', 10);
      await store.putDocument('notebook', 'instance_1', ['one']);
      await store.putDocument('other', 'instance_1', null);
      const listed = await store.listDocuments('notebook');
      expect(listed.map((document) => [document.key, document.value])).toEqual([
        ['instance_1', ['one']],
        ['instance_10', 10],
        ['instance_2', 'two'],
      ]);
      expect(await store.getDocument('other', 'instance_1')).toMatchObject({ value: null });
      expect(await store.listDocuments('empty')).toEqual([]);
    });

    test('bad namespaces, keys and values are refused with invalid_input and change nothing', async ({ store }) => {
      await store.putDocument('notebook', 'instance_1', { kept: true });
      await expect(store.putDocument('', 'instance_1', {})).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(store.putDocument('notebook', 'x'.repeat(201), {})).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(store.putDocument('notebook', 'instance_1', undefined)).rejects.toMatchObject({ code: 'invalid_input' });
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      await expect(store.putDocument('notebook', 'instance_1', cycle)).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(store.putDocument('notebook', 'instance_1', 'x'.repeat(1_000_001))).rejects.toThrow(/at most 1000000/);
      expect(await store.getDocument('notebook', 'instance_1')).toMatchObject({ value: { kept: true }, revision: 1 });
    });

    test('writes of documents leave the history alone', async ({ store }) => {
      const before = await store.lastHistorySeq();
      await store.putDocument('notebook', 'instance_1', { n: 1 });
      expect(await store.lastHistorySeq()).toBe(before);
    });
  });
}
