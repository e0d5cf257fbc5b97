import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../protocol/index.js';
import { type CollectiveStore, createSqliteStore } from '../../store/index.js';
import { RECENT_MESSAGES, applyEvents, emptyView, edgeKey } from '../view-model/collective-view.js';
import { WIRE_CONTENT_CHARS } from '../view-model/wire.js';
import { DashboardModel } from './dashboard-model.js';

let folder: string;
let store: CollectiveStore;
const models: DashboardModel[] = [];

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tachikoma-dashboard-'));
  store = createSqliteStore(join(folder, 'collective.db'));
  for (const id of ['instance_1', 'instance_2', 'instance_3']) await store.register({ id, role: 'explorer' });
});

afterEach(async () => {
  for (const model of models.splice(0)) await model.close();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

function model(options: ConstructorParameters<typeof DashboardModel>[1] = {}): DashboardModel {
  const created = new DashboardModel(store, options);
  models.push(created);
  return created;
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

describe('the collective view fold', () => {
  it('aggregates 10,000 messages into one edge per pair and keeps only the recent ones', async () => {
    const pairs = [
      ['instance_1', 'instance_2'],
      ['instance_2', 'instance_1'],
      ['instance_3', 'broadcast'],
    ] as const;
    await Promise.all(
      Array.from({ length: 10_000 }, (_, index) => {
        const [from, to] = pairs[index % 3] ?? pairs[0];
        return store.publish({ from, to, type: index % 2 === 0 ? 'finding' : 'question', content: `m${index}` });
      }),
    );
    const view = emptyView();
    for (let after = 0; ; ) {
      const page = await store.readHistory({ after, limit: 5000 });
      if (page.length === 0) break;
      applyEvents(view, page);
      after = page[page.length - 1]?.seq ?? after;
    }
    expect(view.messages.count).toBe(10_000);
    expect(Object.keys(view.edges)).toHaveLength(3);
    expect(view.edges[edgeKey('instance_1', 'instance_2')]?.count).toBe(3334);
    expect(view.edges[edgeKey('instance_3', 'broadcast')]?.count).toBe(3333);
    expect(view.messages.byType).toEqual({ finding: 5000, question: 5000 });
    expect(view.messages.recent).toHaveLength(RECENT_MESSAGES);
    expect(view.messages.recent.at(-1)?.content).toBe('m9999');
    expect(Object.keys(view.instances).sort()).toEqual(['instance_1', 'instance_2', 'instance_3']);
  });

  it('folds tasks, votes and leases to their latest state, and ignores events it has already seen', async () => {
    const task = await store.createTask({ title: 'audit src/store', createdBy: 'instance_1' });
    await store.claimTask(task.id, 'instance_2', { leaseMs: 60_000 });
    await store.completeTask(task.id, 'instance_2', { result: 'done', evidence: ['src/store/index.ts:1'] });
    const proposal = await store.openProposal({ title: 'fix first?', options: ['a', 'b'], createdBy: 'instance_1', rule: 'majority', quorum: 2, deadline: new Date(Date.now() + 60_000).toISOString() });
    await store.castVote({ proposalId: proposal.id, voter: 'instance_2', option: 'a', reason: 'smaller' });
    await store.acquireRoleLease('coordinator', 'instance_3', { ttlMs: 9000 });
    const events = await store.readHistory({ after: 0 });
    const view = emptyView();
    applyEvents(view, events);
    applyEvents(view, events);
    expect(view.tasks[task.id]).toMatchObject({ state: 'done', owner: 'instance_2', evidence: ['src/store/index.ts:1'] });
    expect(view.votes[proposal.id]).toEqual([expect.objectContaining({ voter: 'instance_2', option: 'a', reason: 'smaller' })]);
    expect(view.leases.coordinator).toMatchObject({ holder: 'instance_3', term: 1 });
    expect(view.seq).toBe(events.at(-1)?.seq);
  });

  it('folds ids that name Object.prototype members (an agent may pick "constructor") like any other id', async () => {
    const deadline = new Date(Date.now() + 60_000).toISOString();
    for (const id of ['constructor', 'tostring']) await store.openProposal({ id, title: `p ${id}`, options: ['a', 'b'], createdBy: 'instance_1', rule: 'majority', quorum: 2, deadline });
    await store.castVote({ proposalId: 'constructor', voter: 'instance_2', option: 'a', reason: 'r' });
    await store.acquireRoleLease('constructor', 'instance_3', { ttlMs: 9000 });
    const created = model();
    await created.start();
    expect(created.view.votes.constructor).toEqual([expect.objectContaining({ voter: 'instance_2', option: 'a' })]);
    expect(Object.keys(created.view.proposals).sort()).toEqual(['constructor', 'tostring']);
    expect(created.view.leases.constructor).toMatchObject({ holder: 'instance_3' });
  });
});

describe('the dashboard model', () => {
  it('replays any earlier moment exactly as the fold of the history up to it', async () => {
    for (let index = 0; index < 450; index += 1) await store.publish({ from: 'instance_1', to: index % 5 === 0 ? 'broadcast' : 'instance_2', type: 'finding', content: `finding ${index}` });
    const dashboard = model({ checkpointEvery: 100 });
    await dashboard.start();
    const all = await store.readHistory({ after: 0 });
    for (const at of [0, 3, 99, 100, 101, 250, 377, all.length - 1]) {
      const seq = at === 0 ? 0 : (all[at]?.seq ?? 0);
      const expected = emptyView();
      applyEvents(expected, all.filter((event) => event.seq <= seq));
      expect(dashboard.viewAt(seq), `at seq ${seq}`).toEqual(expected);
    }
    // A replayed view is a copy: folding into it leaves the live view alone.
    const earlier = dashboard.viewAt(all[200]?.seq ?? 0);
    expect(earlier.messages.count).toBeLessThan(dashboard.view.messages.count);
    expect(dashboard.view.messages.count).toBe(450);
  });

  it('pages the timeline newest first, filtered by type and participant, as of a moment', async () => {
    for (let index = 0; index < 300; index += 1) {
      await store.publish({ from: index % 2 === 0 ? 'instance_1' : 'human', to: index % 3 === 0 ? 'instance_3' : 'broadcast', type: index % 4 === 0 ? 'question' : 'finding', content: `#${index}` });
    }
    const dashboard = model();
    await dashboard.start();
    const first = dashboard.queryMessages({ offset: 0, limit: 5 });
    expect(first.total).toBe(300);
    expect(first.rows.map((row) => row.content)).toEqual(['#299', '#298', '#297', '#296', '#295']);
    expect(dashboard.queryMessages({ offset: 298, limit: 5 }).rows.map((row) => row.content)).toEqual(['#1', '#0']);
    const questions = dashboard.queryMessages({ type: 'question', offset: 0, limit: 1000 });
    expect(questions.total).toBe(75);
    expect(questions.rows.every((row) => row.type === 'question')).toBe(true);
    const toThree = dashboard.queryMessages({ participant: 'instance_3', offset: 10, limit: 10 });
    expect(toThree.total).toBe(100);
    expect(toThree.rows.map((row) => row.content)[0]).toBe(`#${297 - 30}`);
    const history = await store.readHistory({ after: 0 });
    const messageEvents = history.filter((event) => event.kind === 'message');
    const at = messageEvents[99]?.seq ?? 0;
    const then = dashboard.queryMessages({ at, offset: 0, limit: 2 });
    expect(then.total).toBe(100);
    expect(then.rows.map((row) => row.content)).toEqual(['#99', '#98']);
  });

  it('pushes live history in batches, none bigger than the cap, and cuts very long content on the wire', async () => {
    const dashboard = model({ batchMs: 60, maxBatch: 250 });
    await dashboard.start();
    const batches: HistoryEvent[][] = [];
    dashboard.subscribe((events) => batches.push(events));
    await Promise.all(Array.from({ length: 2000 }, (_, index) => store.publish({ from: 'instance_1', to: 'instance_2', type: 'finding', content: `live ${index}` })));
    const long = await store.publish({ from: 'instance_2', to: 'human', type: 'answer', content: 'x'.repeat(WIRE_CONTENT_CHARS * 3) });
    await waitFor(() => batches.flat().length === 2001, 'all 2001 events');
    expect(batches.every((batch) => batch.length <= 250)).toBe(true);
    expect(batches.length).toBeLessThan(200);
    const seqs = batches.flat().map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const wire = batches.flat().at(-1)?.data as { content: string; metadata: Record<string, unknown> };
    expect(wire.content.length).toBe(WIRE_CONTENT_CHARS + 1);
    expect(wire.metadata.truncated).toBe(WIRE_CONTENT_CHARS * 3);
    expect(dashboard.message(long.id)?.content).toHaveLength(WIRE_CONTENT_CHARS * 3);
    const page = dashboard.history(0, 10_000);
    expect(page.events.length).toBe(dashboard.liveSeq);
    expect(page.more).toBe(false);
    const partial = dashboard.history(5, 10);
    expect(partial.events.map((event) => event.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(partial.more).toBe(true);
  });
});
