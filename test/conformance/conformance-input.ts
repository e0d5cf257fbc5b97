import { describe, expect } from 'vitest';
import { MAX_CONTENT_BYTES } from '../../src/protocol/index.js';
import { StoreError } from '../../src/store/store-error.js';
import { registerInstances, take, useCaseContext } from './conformance-context.js';
import type { ConformanceTarget } from './store-harness.js';

const invalid = (error: unknown): boolean => StoreError.hasCode(error, 'invalid_input');

/** Hostile and malformed input: rejected at the boundary, nothing else lost; foreign rows skipped. */
export function inputCases(target: ConformanceTarget): void {
  describe('bad input', () => {
    const { test } = useCaseContext(target);

    test('a memory item without an importance, or with one outside 0 to 1, is refused in one line naming it, and nothing is stored', async ({ store }) => {
      await registerInstances(store, 1);
      const base = { kind: 'finding', content: 'the lease clock drifts', author: 'instance_1' } as const;
      for (const importance of [undefined, -0.1, 1.5, '0.5', Number.NaN]) {
        const attempt = store.remember({ ...base, ...(importance === undefined ? {} : { importance }) } as never);
        await expect(attempt, String(importance)).rejects.toSatisfy(invalid);
        await expect(attempt, String(importance)).rejects.toThrow(/^invalid memory item: importance: a number from 0 to 1 is required/);
      }
      expect(await store.countMemory()).toBe(0);
      expect((await store.remember({ ...base, importance: 0 })).importance).toBe(0);
    });

    test('malformed messages are rejected with a clear error and nothing is stored', async ({ store }) => {
      await registerInstances(store, 2);
      const base = { from: 'instance_1', to: 'instance_2', type: 'finding', content: 'ok' } as const;
      const attempts: unknown[] = [
        { ...base, type: 'gossip' },
        { ...base, to: '../../etc/passwd' },
        { ...base, from: 'Instance_1' },
        { ...base, id: 'a/b' },
        { ...base, id: 'x'.repeat(65) },
        { ...base, content: 'x'.repeat(MAX_CONTENT_BYTES + 1) },
        { ...base, content: 'é'.repeat(MAX_CONTENT_BYTES / 2 + 1) },
        { ...base, timestamp: 'yesterday' },
        { ...base, timestamp: '2026-02-30T00:00:00.000Z' },
        { ...base, timestamp: '1970-01-01T00:00:00.000Z' },
        { ...base, metadata: { blob: 'x'.repeat(20_000) } },
        { ...base, extra: 'field' },
        { ...base, content: 42 },
        { ...base, content: 'cut here\u0000and lose the rest' },
        null,
      ];
      for (const attempt of attempts) {
        await expect(store.publish(attempt as never), JSON.stringify(attempt)?.slice(0, 80)).rejects.toSatisfy(invalid);
      }
      await expect(store.publish({ ...base, to: 'instance_9' })).rejects.toSatisfy((error) => StoreError.hasCode(error, 'not_found'));
      await expect(store.publish({ ...base, type: 'gossip' } as never)).rejects.toThrow(/unknown message type "gossip"/);
      expect(await store.readMessages({ audience: { all: true }, after: 0 })).toEqual([]);
      const hostile = await store.publish({ ...base, content: '<script>alert(1)</script><img src=x onerror=alert(1)>"); DROP TABLE messages; --' });
      expect((await store.readMessages({ audience: { all: true }, after: 0 }))[0]?.content).toBe(hostile.content);
    });

    test('times in any ISO-8601 form are accepted and stored as UTC with milliseconds', async ({ store }) => {
      await registerInstances(store, 1);
      const forms: Array<[string, string]> = [
        ['2025-06-12T14:00:32Z', '2025-06-12T14:00:32.000Z'],
        ['2025-06-12T14:00Z', '2025-06-12T14:00:00.000Z'],
        ['2025-06-12T14:00:32.5Z', '2025-06-12T14:00:32.500Z'],
        ['2025-06-12T14:00:32.123456Z', '2025-06-12T14:00:32.123Z'],
        ['2025-06-12T14:00:32+00:00', '2025-06-12T14:00:32.000Z'],
        ['2025-06-12T16:00:32.250+02:00', '2025-06-12T14:00:32.250Z'],
      ];
      for (const [index, [given, stored]] of forms.entries()) {
        const message = await store.publish({ id: `msg_time_${index}`, from: 'instance_1', to: 'broadcast', type: 'finding', content: given, timestamp: given });
        expect(message.timestamp, given).toBe(stored);
        const item = await store.remember({ id: `mem_time_${index}`, kind: 'finding', content: `at ${given}`, author: 'instance_1', importance: 0.5, createdAt: given });
        expect(item.createdAt, given).toBe(stored);
        expect((await store.getMemory(item.id))?.createdAt).toBe(stored);
      }
      expect((await store.readMessages({ audience: { all: true }, after: 0 })).map((message) => message.timestamp)).toEqual(forms.map(([, stored]) => stored));
      await expect(store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'x', timestamp: '2025-06-12T14:00:32' })).rejects.toSatisfy(invalid);
    });

    test('content of exactly 64 KiB is accepted', async ({ store }) => {
      await registerInstances(store, 1);
      const message = await store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'x'.repeat(MAX_CONTENT_BYTES) });
      expect(message.content).toHaveLength(MAX_CONTENT_BYTES);
    });

    test('a foreign row is reported with its location and skipped; readers and followers go on', async ({ store, harness, badRecords }) => {
      await registerInstances(store, 2);
      const controller = new AbortController();
      const followed = take(store.followMessages({ all: true }, { after: 0, signal: controller.signal, batchSize: 2 }), 3);
      await store.publish({ from: 'instance_1', to: 'instance_2', type: 'finding', content: 'first' });
      await harness.insertForeignMessage({
        id: 'msg_foreign', sender: 'instance_1', recipient: 'instance_2', type: 'gossip', timestamp: 'not a time', content: 'x', metadataText: '{not json',
      });
      await harness.insertForeignMessage({
        id: 'msg_foreign2', sender: 'instance_1', recipient: 'instance_2', type: 'finding', timestamp: new Date().toISOString(), content: 'y', metadataText: '[]',
      });
      await store.publish({ from: 'instance_1', to: 'instance_2', type: 'finding', content: 'second' });
      await store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'third' });
      expect((await followed).map((message) => message.content)).toEqual(['first', 'second', 'third']);
      controller.abort();
      const read = await store.readMessages({ audience: { instance: 'instance_2' }, after: 0 });
      expect(read.map((message) => message.content)).toEqual(['first', 'second', 'third']);
      const reported = badRecords.filter((report) => report.table === 'messages');
      expect(reported.length).toBeGreaterThanOrEqual(2);
      expect(reported[0]?.key).toMatch(/seq \d+/);
      expect(reported.flatMap((report) => report.issues).join(' ')).toMatch(/type|metadata|timestamp/);
    });
  });
}
