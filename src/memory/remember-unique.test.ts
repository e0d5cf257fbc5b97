import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../store/index.js';
import { type TestStore, finding, openTestStore } from '../../test/support/memory-test-store.js';
import { rememberUnique } from './remember-unique.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const ORIGINAL = 'Path traversal in src/files/download.ts: serveFile joins params.name onto the upload directory, so ../ escapes it (line 88).';

describe('rememberUnique', () => {
  let test: TestStore;
  beforeEach(() => {
    test = openTestStore();
  });
  afterEach(async () => {
    await test.destroy();
  });

  it('writes a new finding, then recognises a re-report of it', async () => {
    const { store } = test;
    const first = await rememberUnique(store, finding(ORIGINAL, NOW));
    expect(first.duplicateOf).toBeNull();
    const again = await rememberUnique(store, { ...finding(`Confirmed: ${ORIGINAL.replace('line 88', 'line 89')}`, NOW), author: 'instance_2' });
    expect(again).toEqual({ item: first.item, duplicateOf: first.item.id });
    expect(await store.countMemory()).toBe(1);
  });

  it('writes look-alikes about other code, a negation, and other kinds', async () => {
    const { store } = test;
    await rememberUnique(store, finding(ORIGINAL, NOW));
    const variants = [
      ORIGINAL.replace('src/files/download.ts', 'src/files/upload.ts'),
      ORIGINAL.replace('serveFile', 'sendFile'),
      ORIGINAL.replace('so ../ escapes it', 'so ../ does not escape it'),
    ];
    for (const content of variants) expect((await rememberUnique(store, finding(content, NOW))).duplicateOf).toBeNull();
    expect((await rememberUnique(store, { ...finding(ORIGINAL, NOW), kind: 'decision' })).duplicateOf).toBeNull();
    expect(await store.countMemory()).toBe(5);
  });

  it('finds the duplicate among many memories', async () => {
    const { store } = test;
    for (let index = 0; index < 300; index += 1) {
      await store.remember(finding(`Path traversal in src/files/handler${index}.ts: serveFile joins params.name onto the upload directory (line ${index}).`, NOW));
    }
    const original = await store.remember(finding(ORIGINAL, NOW));
    const result = await rememberUnique(store, finding(ORIGINAL.toUpperCase().replace('SRC/FILES/DOWNLOAD.TS', 'src/files/download.ts').replace('SERVEFILE', 'serveFile').replace('PARAMS.NAME', 'params.name'), NOW));
    expect(result.duplicateOf).toBe(original.id);
  });

  it('returns the stored item for an id written before, and rejects bad items like remember', async () => {
    const { store } = test;
    const stored = await store.remember({ ...finding(ORIGINAL, NOW), id: 'mem_fixed' });
    expect(await rememberUnique(store, { ...finding('something else entirely', NOW), id: 'mem_fixed' })).toEqual({ item: stored, duplicateOf: null });
    const error: unknown = await rememberUnique(store, finding('', NOW)).catch((caught: unknown) => caught);
    expect(StoreError.hasCode(error, 'invalid_input')).toBe(true);
    const hostile: unknown = await rememberUnique(store, { ...finding('x', NOW), importance: 7 }).catch((caught: unknown) => caught);
    expect(StoreError.hasCode(hostile, 'invalid_input')).toBe(true);
  });
});
