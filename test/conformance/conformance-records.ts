import { describe, expect } from 'vitest';
import { StoreError } from '../../src/store/store-error.js';
import { registerInstances, take, useCaseContext } from './conformance-context.js';
import type { ConformanceTarget } from './store-harness.js';

/** Registry, memory and the ordered history. */
export function recordCases(target: ConformanceTarget): void {
  describe('registry', () => {
    const { test } = useCaseContext(target);

    test('register, heartbeat with status, list in numeric order, find stale', async ({ store, clock }) => {
      for (const id of ['instance_10', 'instance_2', 'instance_1']) await store.register({ id, role: 'explorer', pid: 100 });
      expect((await store.listInstances()).map((record) => record.id)).toEqual(['instance_1', 'instance_2', 'instance_10']);
      const beat = await store.heartbeat('instance_1', { status: 'thinking', currentTask: 'task_a', iteration: 3, lastActivity: 'reading' });
      expect(beat).toMatchObject({ status: 'thinking', currentTask: 'task_a', iteration: 3, role: 'explorer', pid: 100 });
      clock.advance(5000);
      await store.heartbeat('instance_2');
      await store.heartbeat('instance_10', { status: 'stopped' });
      expect((await store.findStale(3000)).map((record) => record.id)).toEqual(['instance_1']);
      await expect(store.heartbeat('instance_3')).rejects.toSatisfy((error) => StoreError.hasCode(error, 'not_found'));
      await expect(store.register({ id: 'broadcast', role: 'explorer' })).rejects.toSatisfy((error) => StoreError.hasCode(error, 'invalid_input'));
    });

    test('a heartbeat with a cursor is one checkpoint: both saved, or neither', async ({ store, reopen }) => {
      await store.register({ id: 'instance_1', role: 'explorer' });
      await store.heartbeat('instance_1', { iteration: 4, status: 'idle' }, { consumer: 'inbox:instance_1', seq: 12 });
      // A bare heartbeat with a cursor still saves it; a lower position never moves a cursor back.
      await store.heartbeat('instance_1', undefined, { consumer: 'inbox:instance_1', seq: 15 });
      await store.heartbeat('instance_1', { iteration: 5 }, { consumer: 'inbox:instance_1', seq: 9 });
      const restarted = await reopen();
      expect(await restarted.getCursor('inbox:instance_1')).toBe(15);
      expect(await restarted.getInstance('instance_1')).toMatchObject({ iteration: 5, status: 'idle' });
      // Refused as a whole: a bad cursor leaves the iteration alone, an unknown instance leaves the cursor alone.
      await expect(restarted.heartbeat('instance_1', { iteration: 6 }, { consumer: 'inbox:instance_1', seq: -1 })).rejects.toSatisfy((error) =>
        StoreError.hasCode(error, 'invalid_input'));
      await expect(restarted.heartbeat('instance_9', { iteration: 1 }, { consumer: 'inbox:instance_9', seq: 3 })).rejects.toSatisfy((error) =>
        StoreError.hasCode(error, 'not_found'));
      expect(await restarted.getInstance('instance_1')).toMatchObject({ iteration: 5 });
      expect(await restarted.getCursor('inbox:instance_9')).toBe(0);
    });

    test('re-registering after a restart keeps the iteration count', async ({ store, reopen }) => {
      await store.register({ id: 'instance_1', role: 'builder' });
      await store.heartbeat('instance_1', { iteration: 7, status: 'idle' });
      const restarted = await reopen();
      const again = await restarted.register({ id: 'instance_1', role: 'builder', pid: 4242 });
      expect(again).toMatchObject({ iteration: 7, pid: 4242, status: 'starting' });
    });
  });

  describe('memory', () => {
    const { test } = useCaseContext(target);

    test('full-text search ranks matches, filters kinds, and treats any query text as words', async ({ store }) => {
      await registerInstances(store, 1);
      const wal = await store.remember({ kind: 'finding', content: 'The store runs SQLite in WAL mode for concurrent readers', tags: ['store'], importance: 0.6, author: 'instance_1' });
      await store.remember({ kind: 'finding', content: 'The dashboard streams events over SSE', tags: ['dashboard'], importance: 0.4, author: 'instance_1' });
      const synthesis = await store.remember({ kind: 'synthesis', content: 'Storage choices (WAL) favour many readers', importance: 0.9, author: 'instance_1', sourceIds: [wal.id] });
      const hits = await store.searchMemory('WAL readers');
      expect(hits.map((hit) => hit.item.id).sort()).toEqual([wal.id, synthesis.id].sort());
      expect((await store.searchMemory('WAL', { kinds: ['synthesis'] })).map((hit) => hit.item.id)).toEqual([synthesis.id]);
      for (const hostile of ['"unterminated', 'NEAR(a b)', 'store*) OR (', "'; DROP TABLE memory; --", '']) {
        await expect(store.searchMemory(hostile)).resolves.toBeInstanceOf(Array);
      }
      expect(await store.countMemory()).toBe(3);
      expect((await store.searchMemory('dashboard')).map((hit) => hit.item.tags)).toEqual([['dashboard']]);
    });

    test('lists by recency and by importance; an id written twice is stored once, and refused with other content', async ({ store, clock }) => {
      await registerInstances(store, 1);
      await store.remember({ id: 'mem_a', kind: 'finding', content: 'a', importance: 0.9, author: 'instance_1' });
      clock.advance(10);
      await store.remember({ id: 'mem_b', kind: 'decision', content: 'b', importance: 0.1, author: 'instance_1' });
      clock.advance(10);
      await store.remember({ id: 'mem_c', kind: 'finding', content: 'c', importance: 0.5, author: 'instance_1' });
      expect((await store.remember({ id: 'mem_c', kind: 'finding', content: 'c', importance: 0.5, author: 'instance_1' })).content).toBe('c');
      // The same id with other content is a write the store cannot hold: an error, never a silent success.
      await expect(store.remember({ id: 'mem_c', kind: 'finding', content: 'c again', importance: 0.5, author: 'instance_1' })).rejects.toSatisfy((error) =>
        StoreError.hasCode(error, 'conflict'),
      );
      expect((await store.listMemory({ order: 'recency' })).map((item) => item.id)).toEqual(['mem_c', 'mem_b', 'mem_a']);
      expect((await store.listMemory({ order: 'importance', limit: 2 })).map((item) => item.id)).toEqual(['mem_a', 'mem_c']);
      expect((await store.listMemory({ order: 'recency', kinds: ['decision'] })).map((item) => item.id)).toEqual(['mem_b']);
      expect((await store.getMemory('mem_c'))?.content).toBe('c');
      await expect(store.remember({ kind: 'finding', content: 'x', importance: 2, author: 'instance_1' })).rejects.toSatisfy((error) =>
        StoreError.hasCode(error, 'invalid_input'),
      );
    });
  });

  describe('history', () => {
    const { test } = useCaseContext(target);

    test('every kind of change lands in one ordered history with the record as it was', async ({ store }) => {
      await registerInstances(store, 2);
      await store.heartbeat('instance_1', { status: 'thinking' });
      const message = await store.publish({ from: 'instance_1', to: 'instance_2', type: 'finding', content: 'seen' });
      const task = await store.createTask({ title: 't', createdBy: 'instance_1' });
      await store.claimTask(task.id, 'instance_2', { leaseMs: 5000 });
      await store.completeTask(task.id, 'instance_2', { result: 'done', evidence: ['a.ts:1'] });
      const proposal = await store.openProposal({
        title: 'p', options: ['a', 'b'], rule: 'majority', quorum: 1, deadline: new Date(Date.now() + 60_000).toISOString(), createdBy: 'instance_1',
      });
      await store.castVote({ proposalId: proposal.id, voter: 'instance_2', option: 'a', reason: 'because' });
      await store.remember({ kind: 'decision', content: 'chose a', importance: 1, author: 'instance_1' });
      const history = await store.readHistory({ after: 0 });
      expect(history.map((event) => `${event.kind}:${event.action}`)).toEqual([
        'instance:registered', 'instance:registered', 'instance:status', 'message:published', 'task:created', 'task:claimed',
        'task:completed', 'proposal:opened', 'vote:cast', 'proposal:closed', 'memory:remembered',
      ]);
      const seqs = history.map((event) => event.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(history[3]?.data).toEqual(message);
      expect(history[6]?.data).toMatchObject({ state: 'done', owner: 'instance_2' });
      expect((await store.readHistory({ after: 0, kinds: ['task'] })).map((event) => event.action)).toEqual(['created', 'claimed', 'completed']);
      const tail = await take(store.followHistory({ after: seqs.at(-2) ?? 0 }), 1);
      expect(tail[0]?.kind).toBe('memory');
    });
  });
}
