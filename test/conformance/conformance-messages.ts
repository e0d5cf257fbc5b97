import { describe, expect } from 'vitest';
import { StoreError } from '../../src/store/store-error.js';
import { registerInstances, take, useCaseContext } from './conformance-context.js';
import type { ConformanceTarget } from './store-harness.js';

/** Messages: ordering, audiences, idempotency, cursors, following. */
export function messageCases(target: ConformanceTarget): void {
  describe('messages', () => {
    const { test } = useCaseContext(target);

    test('assigns strictly increasing seq in publish order', async ({ store }) => {
      await registerInstances(store, 2);
      const published = [];
      for (let index = 0; index < 20; index += 1) {
        published.push(await store.publish({ from: 'instance_1', to: 'instance_2', type: 'finding', content: `m${index}` }));
      }
      const seqs = published.map((message) => message.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(20);
      const read = await store.readMessages({ audience: { all: true }, after: 0 });
      expect(read.map((message) => message.content)).toEqual(published.map((message) => message.content));
      expect(await store.lastMessageSeq()).toBe(seqs.at(-1));
    });

    test('concurrent publishes all land with distinct seqs', async ({ store }) => {
      await registerInstances(store, 1);
      const published = await Promise.all(
        Array.from({ length: 100 }, (_, index) => store.publish({ from: 'instance_1', to: 'broadcast', type: 'status', content: `c${index}` })),
      );
      expect(new Set(published.map((message) => message.seq)).size).toBe(100);
      expect(await store.readMessages({ audience: { all: true }, after: 0, limit: 500 })).toHaveLength(100);
    });

    test('an instance reads its direct messages and others\' broadcasts, not its own broadcasts', async ({ store }) => {
      await registerInstances(store, 3);
      await store.publish({ from: 'instance_1', to: 'instance_2', type: 'question', content: 'to two' });
      await store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'to all' });
      await store.publish({ from: 'instance_2', to: 'human', type: 'answer', content: 'to human' });
      await store.publish({ from: 'human', to: 'instance_3', type: 'control', content: 'to three' });
      const contents = async (audience: Parameters<typeof store.readMessages>[0]['audience']): Promise<string[]> =>
        (await store.readMessages({ audience, after: 0 })).map((message) => message.content);
      expect(await contents({ instance: 'instance_1' })).toEqual([]);
      expect(await contents({ instance: 'instance_2' })).toEqual(['to two', 'to all']);
      expect(await contents({ instance: 'instance_3' })).toEqual(['to all', 'to three']);
      expect(await contents({ human: true })).toEqual(['to human']);
      expect(await contents({ all: true })).toHaveLength(4);
    });

    test('publishing an id again returns the stored message and adds nothing', async ({ store }) => {
      await registerInstances(store, 1);
      const first = await store.publish({ id: 'msg_fixed', from: 'instance_1', to: 'broadcast', type: 'finding', content: 'once' });
      const again = await store.publish({ id: 'msg_fixed', from: 'instance_1', to: 'broadcast', type: 'finding', content: 'once' });
      expect(again).toEqual(first);
      expect(await store.readMessages({ audience: { all: true }, after: 0 })).toHaveLength(1);
    });

    test('a message published again (a replayed turn) takes no sequence number: the next one follows without a gap', async ({ store }) => {
      await registerInstances(store, 1);
      const first = await store.publish({ id: 'msg_replayed', from: 'instance_1', to: 'broadcast', type: 'finding', content: 'once' });
      for (let replay = 0; replay < 3; replay += 1) {
        await store.publish({ id: 'msg_replayed', from: 'instance_1', to: 'broadcast', type: 'finding', content: 'once' });
      }
      await expect(store.publish({ id: 'msg_replayed', from: 'instance_1', to: 'broadcast', type: 'finding', content: 'other' }))
        .rejects.toSatisfy((error) => StoreError.hasCode(error, 'conflict'));
      const [next, inBatch] = await Promise.all([
        store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'next' }),
        store.publish({ id: 'msg_replayed', from: 'instance_1', to: 'broadcast', type: 'finding', content: 'once' }),
      ]);
      expect(inBatch).toEqual(first);
      expect(next.seq).toBe(first.seq + 1);
      const last = await store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'last' });
      expect((await store.readMessages({ audience: { all: true }, after: 0 })).map((message) => message.seq)).toEqual([first.seq, first.seq + 1, first.seq + 2]);
      expect(last.seq).toBe(first.seq + 2);
      const history = (await store.readHistory({ after: 0 })).map((event) => event.seq);
      expect(history).toEqual(Array.from({ length: history.length }, (_, index) => (history[0] ?? 0) + index));
    });

    test('publishing an id again with other content is refused as a conflict, and the stored message stays', async ({ store }) => {
      await registerInstances(store, 2);
      const first = await store.publish({ id: 'msg_fixed', from: 'instance_1', to: 'human', type: 'answer', content: 'first', metadata: { a: 1, b: [1, 2] } });
      // Key order is not content: the same metadata written in another order is the same message.
      expect(await store.publish({ id: 'msg_fixed', from: 'instance_1', to: 'human', type: 'answer', content: 'first', metadata: { b: [1, 2], a: 1 } })).toEqual(first);
      for (const other of [
        { content: 'second' },
        { to: 'instance_2' },
        { type: 'finding' as const },
        { metadata: { a: 2, b: [1, 2] } },
      ]) {
        await expect(store.publish({ id: 'msg_fixed', from: 'instance_1', to: 'human', type: 'answer', content: 'first', metadata: { a: 1, b: [1, 2] }, ...other }))
          .rejects.toSatisfy((error) => StoreError.hasCode(error, 'conflict'));
      }
      expect(await store.readMessages({ audience: { all: true }, after: 0 })).toEqual([first]);
    });

    test('reads resume after a seq and honour the limit', async ({ store }) => {
      await registerInstances(store, 1);
      const published = [];
      for (let index = 0; index < 10; index += 1) {
        published.push(await store.publish({ from: 'instance_1', to: 'broadcast', type: 'status', content: `${index}` }));
      }
      const page = await store.readMessages({ audience: { all: true }, after: published[3]?.seq ?? 0, limit: 3 });
      expect(page.map((message) => message.content)).toEqual(['4', '5', '6']);
    });

    test('cursors persist across handles and only move forward', async ({ store, reopen }) => {
      expect(await store.getCursor('instance_1')).toBe(0);
      await store.saveCursor('instance_1', 42);
      await store.saveCursor('instance_1', 17);
      const other = await reopen();
      expect(await other.getCursor('instance_1')).toBe(42);
      await expect(store.saveCursor('instance_1', -1)).rejects.toSatisfy((error) => StoreError.hasCode(error, 'invalid_input'));
    });

    test('a follower delivers what exists, then what arrives from another handle, in order, and stops on abort', async ({ store, reopen }) => {
      await registerInstances(store, 2);
      await store.publish({ from: 'instance_1', to: 'instance_2', type: 'finding', content: 'before' });
      const controller = new AbortController();
      const received = take(store.followMessages({ instance: 'instance_2' }, { after: 0, signal: controller.signal }), 3);
      const writer = await reopen();
      await writer.publish({ from: 'instance_1', to: 'instance_2', type: 'finding', content: 'after-1' });
      await writer.publish({ from: 'instance_1', to: 'instance_1', type: 'finding', content: 'not for two' });
      await writer.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'after-2' });
      expect((await received).map((message) => message.content)).toEqual(['before', 'after-1', 'after-2']);
      controller.abort();
      const afterAbort = [];
      for await (const message of store.followMessages({ all: true }, { after: 0, signal: controller.signal })) afterAbort.push(message);
      expect(afterAbort).toEqual([]);
    });

    test('a follower wakes within the poll interval with no local write', async ({ store, reopen }) => {
      await registerInstances(store, 1);
      const controller = new AbortController();
      const started = Date.now();
      const received = take(store.followMessages({ all: true }, { after: 0, signal: controller.signal }), 1);
      const writer = await reopen();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writer.publish({ from: 'instance_1', to: 'broadcast', type: 'status', content: 'ping' });
      expect(await received).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(3000);
      controller.abort();
    });

    test('close ends followers and later calls fail with closed', async ({ reopen }) => {
      const handle = await reopen();
      const iterator = handle.followMessages({ all: true }, { after: 0 })[Symbol.asyncIterator]();
      const pending = iterator.next();
      await handle.close();
      expect((await pending).done).toBe(true);
      await expect(handle.lastMessageSeq()).rejects.toSatisfy((error) => StoreError.hasCode(error, 'closed'));
    });
  });
}
