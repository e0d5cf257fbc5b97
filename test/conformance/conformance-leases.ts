import { describe, expect } from 'vitest';
import { registerInstances, useCaseContext } from './conformance-context.js';
import type { ConformanceTarget } from './store-harness.js';

/** Role leases: one holder at any instant, expiry, renewal, release, fencing terms. */
export function leaseCases(target: ConformanceTarget): void {
  describe('role leases', () => {
    const { test } = useCaseContext(target);

    test('one holder at a time; renewal keeps the term; expiry lets another take over with a new term', async ({ store, clock, reopen }) => {
      await registerInstances(store, 2);
      const other = await reopen();
      const first = await store.acquireRoleLease('coordinator', 'instance_1', { ttlMs: 1000 });
      expect(first).toMatchObject({ holder: 'instance_1', term: 1 });
      expect(await other.acquireRoleLease('coordinator', 'instance_2', { ttlMs: 1000 })).toBeNull();
      clock.advance(600);
      expect(await store.acquireRoleLease('coordinator', 'instance_1', { ttlMs: 1000 })).toMatchObject({ holder: 'instance_1', term: 1 });
      clock.advance(600);
      expect(await other.acquireRoleLease('coordinator', 'instance_2', { ttlMs: 1000 })).toBeNull();
      clock.advance(500);
      expect(await store.getRoleLease('coordinator')).toBeNull();
      const takeover = await other.acquireRoleLease('coordinator', 'instance_2', { ttlMs: 1000 });
      expect(takeover).toMatchObject({ holder: 'instance_2', term: 2 });
      expect((await store.getRoleLease('coordinator'))?.holder).toBe('instance_2');
    });

    test('release hands the lease on at once; only the holder can release', async ({ store }) => {
      await registerInstances(store, 2);
      await store.acquireRoleLease('coordinator', 'instance_1', { ttlMs: 60_000 });
      expect(await store.releaseRoleLease('coordinator', 'instance_2')).toBe(false);
      expect(await store.releaseRoleLease('coordinator', 'instance_1')).toBe(true);
      expect(await store.getRoleLease('coordinator')).toBeNull();
      expect(await store.acquireRoleLease('coordinator', 'instance_2', { ttlMs: 60_000 })).toMatchObject({ holder: 'instance_2', term: 2 });
      const history = await store.readHistory({ after: 0, kinds: ['lease'] });
      expect(history.map((event) => event.action)).toEqual(['acquired', 'released', 'acquired']);
    });

    test('racing handles: exactly one acquires', async ({ store, reopen }) => {
      await registerInstances(store, 3);
      const handles = [store, await reopen(), await reopen()];
      const results = await Promise.all(handles.map((handle, index) => handle.acquireRoleLease('coordinator', `instance_${index + 1}`, { ttlMs: 60_000 })));
      expect(results.filter((lease) => lease !== null)).toHaveLength(1);
      await expect(store.acquireRoleLease('coordinator', 'instance_9', { ttlMs: 1000 })).rejects.toThrow(/unknown instance/);
    });
  });
}
