import { describe, expect } from 'vitest';
import { StoreError } from '../../src/store/store-error.js';
import { registerInstances, useCaseContext } from './conformance-context.js';
import type { ConformanceTarget } from './store-harness.js';

const LEASE = { leaseMs: 10_000 };
const DONE = { result: 'ok', evidence: ['src/a.ts:1'] };

function code(expected: string): (error: unknown) => boolean {
  return (error) => StoreError.isInstance(error) && error.code === expected;
}

/** Task board: exactly-one claims, leases, owner-checked transitions, dependencies, fit. */
export function taskCases(target: ConformanceTarget): void {
  describe('tasks', () => {
    const { test } = useCaseContext(target);

    test('two handles racing for one task: exactly one wins', async ({ store, reopen }) => {
      await registerInstances(store, 2);
      const other = await reopen();
      const task = await store.createTask({ title: 'contested', createdBy: 'orchestrator' });
      const results = await Promise.allSettled([store.claimTask(task.id, 'instance_1', LEASE), other.claimTask(task.id, 'instance_2', LEASE)]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((result) => result.status === 'rejected');
      expect(loser?.status === 'rejected' && code('conflict')(loser.reason)).toBe(true);
    });

    test('claimNext hands out each task once, oldest first, then null', async ({ store }) => {
      await registerInstances(store, 2);
      const first = await store.createTask({ title: 'first', createdBy: 'orchestrator' });
      const second = await store.createTask({ title: 'second', createdBy: 'orchestrator' });
      expect((await store.claimNext('instance_1', LEASE))?.id).toBe(first.id);
      expect((await store.claimNext('instance_2', LEASE))?.id).toBe(second.id);
      expect(await store.claimNext('instance_1', LEASE)).toBeNull();
    });

    test('an expired lease is re-offered and the stalled ex-owner cannot complete', async ({ store, clock }) => {
      await registerInstances(store, 2);
      const task = await store.createTask({ title: 'slow', createdBy: 'orchestrator' });
      await store.claimTask(task.id, 'instance_1', { leaseMs: 1000 });
      expect(await store.claimNext('instance_2', LEASE)).toBeNull();
      clock.advance(1001);
      await expect(store.completeTask(task.id, 'instance_1', DONE)).rejects.toSatisfy(code('lease_expired'));
      const reoffered = await store.reofferExpired();
      expect(reoffered.map((entry) => entry.id)).toEqual([task.id]);
      expect((await store.getTask(task.id))?.state).toBe('open');
      const taken = await store.claimNext('instance_2', LEASE);
      expect(taken?.owner).toBe('instance_2');
      expect(taken?.attempts).toBe(2);
      await expect(store.completeTask(task.id, 'instance_1', DONE)).rejects.toSatisfy(code('not_owner'));
      const done = await store.completeTask(task.id, 'instance_2', DONE);
      expect(done.state).toBe('done');
      expect(done.evidence).toEqual(DONE.evidence);
    });

    test('a finished task is reopened: open again, the reason as its result, one ordered history event; its next claimer reads why', async ({ store }) => {
      await registerInstances(store, 2);
      const task = await store.createTask({ title: 'change shared.txt', createdBy: 'orchestrator', requiredRole: 'builder' });
      await store.claimTask(task.id, 'instance_1', LEASE);
      await store.completeTask(task.id, 'instance_1', DONE);
      const completedAt = await store.lastHistorySeq();
      const why = 'Merging its change conflicted in shared.txt; redo it on top of the integration branch.';
      const reopened = await store.reopenTask(task.id, why);
      expect(reopened).toMatchObject({ id: task.id, state: 'open', owner: null, leaseExpiresAt: null, result: why, evidence: [], attempts: 1, requiredRole: 'builder' });
      expect(await store.getTask(task.id)).toEqual(reopened);
      const events = await store.readHistory({ after: completedAt });
      expect(events.map((event) => [event.kind, event.action, event.entityId])).toEqual([['task', 'reopened', task.id]]);
      expect(events[0]?.data).toEqual(reopened);
      // Open and claimed tasks are on the board already; a blank reason or an unknown task is refused.
      await expect(store.reopenTask(task.id, why)).rejects.toSatisfy(code('conflict'));
      const taken = await store.claimNext('instance_2', { ...LEASE, roles: ['builder'] });
      expect(taken).toMatchObject({ id: task.id, owner: 'instance_2', attempts: 2, result: why });
      await expect(store.reopenTask(task.id, why)).rejects.toSatisfy(code('conflict'));
      await store.failTask(task.id, 'instance_2', 'cannot redo it');
      expect(await store.reopenTask(task.id, 'try once more')).toMatchObject({ state: 'open', result: 'try once more' });
      await expect(store.reopenTask(task.id, '  ')).rejects.toSatisfy(code('invalid_input'));
      await expect(store.reopenTask('task_nope', why)).rejects.toSatisfy(code('not_found'));
      expect(await store.lastHistorySeq()).toBeGreaterThan(completedAt + 2);
    });

    test('renewing a lease extends it without a history entry', async ({ store, clock }) => {
      await registerInstances(store, 1);
      const task = await store.createTask({ title: 'long', createdBy: 'orchestrator' });
      await store.claimTask(task.id, 'instance_1', { leaseMs: 1000 });
      const before = await store.lastHistorySeq();
      clock.advance(900);
      const renewed = await store.renewLease(task.id, 'instance_1', { leaseMs: 1000 });
      expect(Date.parse(renewed.leaseExpiresAt ?? '')).toBe(clock.now() + 1000);
      clock.advance(900);
      expect((await store.completeTask(task.id, 'instance_1', DONE)).state).toBe('done');
      const history = await store.readHistory({ after: before });
      expect(history.map((event) => event.action)).toEqual(['completed']);
    });

    test('a task keeps its brief: scope, expected output and done-when, empty by default', async ({ store }) => {
      const briefed = await store.createTask({ title: 'review the parser', scope: ['src/parser/', 'src/lexer.ts'], expected: 'findings with path:line', doneWhen: 'every file read', createdBy: 'orchestrator' });
      const plain = await store.createTask({ title: 'plain', createdBy: 'orchestrator' });
      expect(await store.getTask(briefed.id)).toMatchObject({ scope: ['src/parser/', 'src/lexer.ts'], expected: 'findings with path:line', doneWhen: 'every file read' });
      expect(await store.getTask(plain.id)).toMatchObject({ scope: [], expected: '', doneWhen: '' });
    });

    test('an expired claim can be taken over directly without a sweep', async ({ store, clock }) => {
      await registerInstances(store, 2);
      const task = await store.createTask({ title: 'abandoned', createdBy: 'orchestrator' });
      await store.claimTask(task.id, 'instance_1', { leaseMs: 500 });
      await expect(store.claimTask(task.id, 'instance_2', LEASE)).rejects.toSatisfy(code('conflict'));
      clock.advance(600);
      expect((await store.claimTask(task.id, 'instance_2', LEASE)).owner).toBe('instance_2');
    });

    test('renewing keeps the lease alive; only the owner may renew', async ({ store, clock }) => {
      await registerInstances(store, 2);
      const task = await store.createTask({ title: 'long', createdBy: 'orchestrator' });
      await store.claimTask(task.id, 'instance_1', { leaseMs: 1000 });
      clock.advance(800);
      await store.renewLease(task.id, 'instance_1', { leaseMs: 1000 });
      clock.advance(800);
      expect(await store.reofferExpired()).toEqual([]);
      await expect(store.renewLease(task.id, 'instance_2', LEASE)).rejects.toSatisfy(code('not_owner'));
      expect((await store.completeTask(task.id, 'instance_1', DONE)).state).toBe('done');
    });

    test('completion needs evidence; failure needs a reason and is final', async ({ store }) => {
      await registerInstances(store, 1);
      const task = await store.createTask({ title: 'checked', createdBy: 'orchestrator' });
      await store.claimTask(task.id, 'instance_1', LEASE);
      await expect(store.completeTask(task.id, 'instance_1', { result: 'trust me', evidence: [] })).rejects.toSatisfy(code('invalid_input'));
      await expect(store.failTask(task.id, 'instance_1', '  ')).rejects.toSatisfy(code('invalid_input'));
      const failed = await store.failTask(task.id, 'instance_1', 'the file does not exist');
      expect(failed.state).toBe('failed');
      expect(failed.result).toBe('the file does not exist');
      await expect(store.completeTask(task.id, 'instance_1', DONE)).rejects.toSatisfy(code('not_owner'));
      expect(await store.claimNext('instance_1', LEASE)).toBeNull();
    });

    test('release puts a task back; only the owner may release', async ({ store }) => {
      await registerInstances(store, 2);
      const task = await store.createTask({ title: 'handed back', createdBy: 'orchestrator' });
      await store.claimTask(task.id, 'instance_1', LEASE);
      await expect(store.releaseTask(task.id, 'instance_2')).rejects.toSatisfy(code('not_owner'));
      expect((await store.releaseTask(task.id, 'instance_1')).state).toBe('open');
      expect((await store.claimNext('instance_2', LEASE))?.id).toBe(task.id);
    });

    test('dependencies hold a task back until they are done', async ({ store }) => {
      await registerInstances(store, 1);
      const base = await store.createTask({ id: 'task_base', title: 'base', createdBy: 'orchestrator' });
      const next = await store.createTask({ title: 'next', dependsOn: [base.id], createdBy: 'orchestrator' });
      await expect(store.claimTask(next.id, 'instance_1', LEASE)).rejects.toSatisfy(code('conflict'));
      expect((await store.claimNext('instance_1', LEASE))?.id).toBe(base.id);
      expect(await store.claimNext('instance_1', LEASE)).toBeNull();
      await store.completeTask(base.id, 'instance_1', DONE);
      expect((await store.claimNext('instance_1', LEASE))?.id).toBe(next.id);
    });

    test('claimNext passes over tasks for another role or capability', async ({ store }) => {
      await registerInstances(store, 1);
      await store.createTask({ title: 'build it', requiredRole: 'builder', createdBy: 'orchestrator' });
      await store.createTask({ title: 'needs a shell', capability: 'shell', createdBy: 'orchestrator' });
      const open = await store.createTask({ title: 'anyone', createdBy: 'orchestrator' });
      expect((await store.claimNext('instance_1', { ...LEASE, roles: ['explorer'] }))?.id).toBe(open.id);
      expect(await store.claimNext('instance_1', { ...LEASE, roles: ['explorer'] })).toBeNull();
      expect((await store.claimNext('instance_1', { ...LEASE, roles: ['explorer'], capabilities: ['shell'] }))?.title).toBe('needs a shell');
      expect((await store.claimNext('instance_1', { ...LEASE, roles: ['builder'] }))?.title).toBe('build it');
    });

    test('unknown tasks, unknown claimers and duplicate ids are clear errors', async ({ store }) => {
      await registerInstances(store, 1);
      await expect(store.claimTask('task_missing', 'instance_1', LEASE)).rejects.toSatisfy(code('not_found'));
      const task = await store.createTask({ id: 'task_dup', title: 'dup', createdBy: 'orchestrator' });
      await expect(store.createTask({ id: 'task_dup', title: 'dup', createdBy: 'orchestrator' })).rejects.toSatisfy(code('conflict'));
      await expect(store.claimTask(task.id, 'instance_9', LEASE)).rejects.toSatisfy(code('not_found'));
      await expect(store.claimTask(task.id, 'instance_1', { leaseMs: 0 })).rejects.toSatisfy(code('invalid_input'));
      expect((await store.listTasks({ state: 'open' })).map((entry) => entry.id)).toEqual(['task_dup']);
    });
  });
}
