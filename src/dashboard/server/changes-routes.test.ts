import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangesListing } from '../../orchestrator/list-changes.js';
import { type CollectiveStore, createSqliteStore } from '../../store/index.js';
import { appendChange, readChanges } from '../../workspace/change-ledger.js';
import { claimSettlement } from '../../workspace/change-settlement.js';
import { type ChangesFeed, startChangesFeed } from './changes-feed.js';
import { createDashboardApp } from './create-dashboard-app.js';
import { DashboardModel } from './dashboard-model.js';

const TOKEN = 'veto-token';
const HOST = '127.0.0.1:7420';
const ORIGIN = `http://${HOST}`;
const assets = { html: '<!doctype html><title>t</title>', js: 'export {};', css: 'body{}' };

let runDirectory: string;
let store: CollectiveStore;
let model: DashboardModel;
let feed: ChangesFeed;
let app: Hono;

/** A change committed for review by `instance`, as a builder's submit leaves it: a ledger line, a task and an open vote. */
async function seedChange(taskId: string, instance: string): Promise<string> {
  const branch = `tachikoma/r/changes/${taskId}`;
  await store.createTask({ id: taskId, title: `change ${taskId}`, createdBy: 'human', requiredRole: 'builder' });
  appendChange(runDirectory, { event: 'committed', at: new Date().toISOString(), taskId, instance, branch, commit: `c0ffee${taskId}`, files: ['a.txt'], stat: '1 file changed', proposalId: `merge_${taskId}` });
  await store.openProposal({ id: `merge_${taskId}`, title: `merge ${branch}?`, options: ['merge', 'reject'], rule: 'majority', quorum: 2, deadline: new Date(Date.now() + 600_000).toISOString(), createdBy: instance });
  return branch;
}

function veto(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, origin: ORIGIN }): Promise<Response> {
  return Promise.resolve(app.request('/api/changes/veto', { method: 'POST', headers: { host: HOST, 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
}

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

beforeEach(async () => {
  runDirectory = mkdtempSync(join(tmpdir(), 'tachikoma-changes-routes-'));
  store = createSqliteStore(join(runDirectory, 'collective.db'));
  for (const id of ['instance_1', 'instance_2']) await store.register({ id, role: 'builder' });
  model = new DashboardModel(store, { batchMs: 20 });
  await model.start();
  feed = await startChangesFeed({ store, runDirectory, model, pollMs: 50 });
  app = createDashboardApp({
    store, model, changes: feed, assets, token: TOKEN, allowedHosts: [HOST], logPath: (id) => join(runDirectory, `${id}.log`),
    run: { goal: null, workspace: null, runDirectory, store: 'sqlite', budgets: null },
  });
});

afterEach(async () => {
  feed.close();
  await model.close();
  await store.close();
  rmSync(runDirectory, { recursive: true, force: true });
});

describe('the changes routes', () => {
  it('lists the changes as tachikoma changes does, and follows the ledger and the store', async () => {
    const branch = await seedChange('t1', 'instance_1');
    await feed.refresh();
    const listing = (await (await app.request('/api/changes', { headers: { host: HOST, authorization: `Bearer ${TOKEN}` } })).json()) as ChangesListing;
    expect(listing.changes.map((change) => [change.branch, change.merge.state, change.vote.state])).toEqual([[branch, 'in_review', 'open']]);
    // An open vote is blind here too: who voted, not what or why.
    await store.castVote({ proposalId: 'merge_t1', voter: 'instance_2', option: 'merge', reason: 'the tests pass' });
    await expect.poll(() => feed.current.changes[0]?.vote.votes).toEqual([{ voter: 'instance_2', option: null, reason: null }]);
  });

  it('answers a diff request for an unknown change, or without a git workspace, with a clear 404', async () => {
    const branch = await seedChange('t1', 'instance_1');
    await feed.refresh();
    const get = (query: string) => app.request(`/api/changes/diff?${query}`, { headers: { host: HOST, authorization: `Bearer ${TOKEN}` } });
    const unknown = await get('branch=tachikoma%2Fr%2Fchanges%2Fnope');
    expect([unknown.status, await errorOf(unknown)]).toEqual([404, 'no change on branch "tachikoma/r/changes/nope"; GET /api/changes lists them']);
    const noGit = await get(`branch=${encodeURIComponent(branch)}`);
    expect([noGit.status, await errorOf(noGit)]).toEqual([404, "the run's workspace is not a git repository here; its diffs cannot be read"]);
    expect((await get(`branch=${encodeURIComponent(branch)}`.replace('branch', 'b'))).status).toBe(404);
  });

  it('refuses a veto without the token, from another origin or without one, and changes nothing', async () => {
    const branch = await seedChange('t1', 'instance_1');
    const body = { branch, reason: 'no' };
    const refusals = [
      await veto(body, { origin: ORIGIN }),
      await veto(body, { authorization: 'Bearer wrong', origin: ORIGIN }),
      await veto(body, { authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' }),
      await veto(body, { authorization: `Bearer ${TOKEN}` }),
    ];
    expect(refusals.map((response) => response.status)).toEqual([403, 403, 403, 403]);
    expect(await errorOf(refusals[2] ?? new Response())).toMatch(/cross-origin/);
    expect((await store.getProposal('merge_t1'))?.state).toBe('open');
    expect(readChanges(runDirectory).map((entry) => entry.event)).toEqual(['committed']);
  });

  it('refuses bad input with one clear line: unknown change, no reason, an oversized reason or body, not JSON', async () => {
    const branch = await seedChange('t1', 'instance_1');
    const unknown = await veto({ branch: 'tachikoma/r/changes/nope', reason: 'x' });
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toMatch(/^no change on branch "tachikoma\/r\/changes\/nope"/);
    const blank = await veto({ branch, reason: '   ' });
    expect([blank.status, await errorOf(blank)]).toEqual([400, 'reason: a veto needs a reason: the builder is told it']);
    const long = await veto({ branch, reason: 'x'.repeat(4001) });
    expect([long.status, await errorOf(long)]).toEqual([400, 'reason: the reason is over 4000 characters; say it shorter']);
    const huge = await veto({ branch, reason: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    const notJson = await veto('{"branch":');
    expect(notJson.status).toBe(400);
    expect(await errorOf(notJson)).toMatch(/must be JSON/);
    const extra = await veto({ branch, reason: 'x', by: 'instance_2' });
    expect(extra.status).toBe(400);
    for (const response of [unknown, blank, long, huge, notJson, extra]) expect(response.headers.get('content-type')).toMatch(/json/);
    expect((await store.getProposal('merge_t1'))?.state).toBe('open');
  });

  it('records a veto in the history, closes the open vote as vetoed, marks the ledger, tells the builder, and refuses a second', async () => {
    const branch = await seedChange('t1', 'instance_1');
    const after = await store.lastHistorySeq();
    const response = await veto({ branch, reason: 'it deletes the backups' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ vetoed: branch, proposalId: 'merge_t1', instance: 'instance_1' });
    const history = await store.readHistory({ after, kinds: ['proposal'] });
    expect(history.map((event) => event.action)).toEqual(['vetoed']);
    expect((await store.getProposal('merge_t1'))?.outcome).toMatchObject({ status: 'vetoed', winner: null, closedBy: 'veto', veto: { by: 'human', reason: 'it deletes the backups' } });
    expect(readChanges(runDirectory).at(-1)).toMatchObject({ event: 'vetoed', branch, by: 'human', reason: 'it deletes the backups' });
    const told = await store.readMessages({ audience: { instance: 'instance_1' }, after: 0 });
    expect(told.map((message) => [message.from, message.content.includes('it deletes the backups')])).toEqual([['human', true]]);
    // The listing the panel gets already says so when the answer comes.
    expect(feed.current.changes[0]?.merge).toMatchObject({ state: 'vetoed', detail: 'vetoed by human: it deletes the backups' });
    const again = await veto({ branch, reason: 'twice' });
    expect([again.status, await errorOf(again)]).toEqual([409, `${branch} was already vetoed by human: it deletes the backups`]);
  });

  it('refuses to veto a merged change, or one the orchestrator has claimed for merging', async () => {
    const merged = await seedChange('t1', 'instance_1');
    appendChange(runDirectory, { event: 'merged', at: new Date().toISOString(), branch: merged, proposalId: 'merge_t1', commit: 'abcdef0123456789' });
    const late = await veto({ branch: merged, reason: 'too late' });
    expect(late.status).toBe(409);
    expect(await errorOf(late)).toBe(`${merged} is already merged into tachikoma/${runDirectory.split('/').at(-1)}/integration (abcdef012345); a veto cannot take a merge back: revert it on the integration branch instead`);
    const merging = await seedChange('t2', 'instance_2');
    expect(claimSettlement(runDirectory, 'merge_t2', { kind: 'merge', at: new Date().toISOString() })).toEqual({ won: true });
    const racing = await veto({ branch: merging, reason: 'racing the merge' });
    expect(racing.status).toBe(409);
    expect(await errorOf(racing)).toMatch(/is being merged \(or was merged\) by the orchestrator/);
    expect((await store.getProposal('merge_t2'))?.state).toBe('open');
  });
});
