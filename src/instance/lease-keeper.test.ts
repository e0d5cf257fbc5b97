import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import { LeaseKeeper, renewIntervalMs } from './lease-keeper.js';

let directory = '';
let store: CollectiveStore;
let now = Date.parse('2026-01-01T00:00:00.000Z');

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tachikoma-keeper-'));
  store = createSqliteStore(join(directory, 'collective.db'), { clock: () => now });
  await store.register({ id: 'instance_1', role: 'explorer' });
  await store.register({ id: 'instance_2', role: 'explorer' });
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function keeper(currentTask: { id: string | null }): LeaseKeeper {
  return new LeaseKeeper({ store, self: 'instance_1', currentTask, leaseMs: 1000, logger: pino({ enabled: false }) });
}

describe('the lease keeper', () => {
  it('renews every second, or a quarter of a shorter lease', () => {
    expect([renewIntervalMs(60_000), renewIntervalMs(2000), renewIntervalMs(1000)]).toEqual([1000, 500, 250]);
  });

  it('renews the claimed task, and tells once when the claim was lost to a takeover', async () => {
    const task = await store.createTask({ title: 'long', createdBy: 'orchestrator' });
    await store.claimTask(task.id, 'instance_1', { leaseMs: 1000 });
    const current = { id: task.id as string | null };
    const keep = keeper(current);
    now += 900;
    await keep.tick();
    expect(Date.parse((await store.getTask(task.id))?.leaseExpiresAt ?? '')).toBe(now + 1000);
    expect(keep.takeNotices()).toEqual([]);
    now += 5000;
    await store.claimTask(task.id, 'instance_2', { leaseMs: 60_000 });
    await keep.tick();
    expect(current.id).toBeNull();
    expect(keep.takeNotices()).toEqual([expect.stringMatching(new RegExp(`^you lost your claim on task ${task.id} \\(.*claimed by instance_2`))]);
    expect(keep.takeNotices()).toEqual([]);
  });

  it('keeps the coordinator role while held, tells when another took it, and says nothing when it was given up', async () => {
    await store.acquireRoleLease('coordinator', 'instance_1', { ttlMs: 15_000 });
    const keep = keeper({ id: null });
    await keep.tick();
    now += 100_000;
    await store.acquireRoleLease('coordinator', 'instance_2', { ttlMs: 15_000 });
    await keep.tick();
    expect(keep.takeNotices()).toEqual([expect.stringMatching(/^you lost the coordinator role: instance_2 holds it until /)]);
    await store.releaseRoleLease('coordinator', 'instance_2');
    await store.acquireRoleLease('coordinator', 'instance_1', { ttlMs: 15_000 });
    await keep.tick();
    await store.releaseRoleLease('coordinator', 'instance_1');
    keep.released();
    await keep.tick();
    expect(keep.takeNotices()).toEqual([]);
  });
});
