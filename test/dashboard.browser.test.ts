import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardServer, startDashboard } from '../src/dashboard/server/serve-dashboard.js';
import { type CollectiveStore, createSqliteStore } from '../src/store/index.js';
import { settleChanges } from '../src/orchestrator/settle-changes.js';
import { seedChange } from './support/change-fixture.js';
import { findChromium, launchChromium, warnNoBrowser } from './support/chromium.js';
import { makeGitWorkspace } from './support/git-workspace.js';
import { RunningCollective, alive, makeWorkspace, openRunStore, waitFor } from './support/collective-harness.js';

const chromiumPath = findChromium();
if (chromiumPath === null) warnNoBrowser('dashboard browser tests');

/** Each instance answers the human after "thinking" for a moment (long enough to be seen in that state). */
const ECHO_SCRIPT = {
  version: 1,
  thinkMs: 1500,
  onMessage: [{ match: { from: 'human' }, calls: [{ tool: 'answer', input: { to: 'human', inReplyTo: '{{id}}', answer: '{{self}} heard: {{content}}' } }] }],
};

const HOSTILE = `<img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script><b onmouseover="window.__pwned='hover'">bold?</b><svg onload="window.__pwned='svg'"></svg>`;

describe.skipIf(chromiumPath === null)('the dashboard in a real browser, on a live run', () => {
  let browser: Browser;
  let page: Page;
  let run: RunningCollective;
  let store: CollectiveStore;
  let url: string;
  let cleanup: () => void;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const workspace = makeWorkspace(ECHO_SCRIPT);
    cleanup = workspace.cleanup;
    run = new RunningCollective(workspace.workspace, workspace.runDirectory, ['--instances', '3', '--dashboard-port', '0']);
    url = await waitFor('the dashboard URL', () => {
      const event = run.events.find((candidate) => candidate.type === 'dashboard');
      return typeof event?.url === 'string' ? event.url : undefined;
    }, 20_000);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    store = openRunStore(workspace.runDirectory);
    browser = await launchChromium(chromiumPath ?? '');
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('dialog', (dialog) => {
      pageErrors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(url);
    await page.waitForSelector('[data-ready="true"]');
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    if (run !== undefined && alive(run.pid)) {
      run.kill('SIGTERM');
      await Promise.race([run.exited, new Promise((done) => setTimeout(done, 10_000))]);
      if (alive(run.pid)) run.kill('SIGKILL');
    }
    cleanup?.();
  });

  it('shows every instance live with its state, and a state change as it happens', async () => {
    await expect.poll(() => page.locator('[data-instance-id]').count()).toBe(3);
    const items = page.locator('[data-instance-id]');
    const states: Array<[string | null, string | null]> = [];
    for (let index = 0; index < (await items.count()); index += 1) states.push([await items.nth(index).getAttribute('data-instance-id'), await items.nth(index).getAttribute('data-state')]);
    expect(states.map(([id]) => id)).toEqual(['instance_1', 'instance_2', 'instance_3']);
    for (const [, state] of states) expect(['starting', 'idle', 'thinking', 'waiting']).toContain(state);
    await page.waitForSelector('[data-instance-id="instance_3"][data-state="idle"]', { timeout: 15_000 });

    // A message makes instance_3 think for 1.5 s: the page shows it thinking, then idle again.
    await store.publish({ from: 'human', to: 'instance_3', type: 'question', content: 'are you there?' });
    await page.waitForSelector('[data-instance-id="instance_3"][data-state="thinking"]', { timeout: 10_000 });
    await page.waitForSelector('[data-instance-id="instance_3"][data-state="idle"]', { timeout: 15_000 });

    // kill -9: the node shows crashed, then the restarted process brings it back.
    const record = await store.getInstance('instance_1');
    expect(record?.pid).toBeGreaterThan(0);
    process.kill(record?.pid ?? 0, 'SIGKILL');
    await page.waitForSelector('[data-instance-id="instance_1"][data-state="crashed"]', { timeout: 10_000 });
    await page.waitForSelector('[data-instance-id="instance_1"]:is([data-state="starting"], [data-state="idle"], [data-state="thinking"])', { timeout: 15_000 });
  });

  it('sends a message from the page to one instance, which receives it and whose reply shows live', async () => {
    await page.selectOption('[data-testid="send-to"]', 'instance_2');
    await page.fill('[data-testid="send-text"]', 'what did you find?');
    await page.click('[data-testid="send-button"]');
    await page.waitForSelector('[data-testid="send-status"]');
    const sent = await waitFor('the message in the store', async () => {
      const messages = await store.readMessages({ audience: { instance: 'instance_2' }, after: 0 });
      return messages.find((message) => message.content === 'what did you find?');
    });
    expect(sent).toMatchObject({ from: 'human', to: 'instance_2', type: 'question' });
    // Only instance_2 got it; its answer names it and shows on the page, in the replies and the timeline.
    await page.waitForSelector(`[data-message-id="${sent.id}"]`);
    const reply = await page.waitForSelector('[data-reply-id]:has-text("instance_2 heard: what did you find?")', { timeout: 15_000 });
    const replyId = await reply.getAttribute('data-reply-id');
    const stored = await store.readMessages({ audience: { human: true }, after: 0 });
    const answer = stored.find((message) => message.id === replyId);
    expect(answer).toMatchObject({ from: 'instance_2', to: 'human', type: 'answer' });
    expect(answer?.metadata.inReplyTo).toBe(sent.id);
    expect(stored.filter((message) => message.content.includes('heard: what did you find?')).map((message) => message.from)).toEqual(['instance_2']);
    await page.waitForSelector(`[data-message-id="${replyId}"]`);
  });

  it('shows a hostile message as literal text and runs none of it', async () => {
    await page.selectOption('[data-testid="send-to"]', 'broadcast');
    await page.fill('[data-testid="send-text"]', HOSTILE);
    await page.click('[data-testid="send-button"]');
    const sent = await waitFor('the hostile message in the store', async () => {
      const messages = await store.readMessages({ audience: { instance: 'instance_1' }, after: 0 });
      return messages.find((message) => message.content === HOSTILE);
    });
    const row = await page.waitForSelector(`[data-message-id="${sent.id}"]`);
    // The row shows the first 160 characters, as text.
    expect(await page.locator(`[data-message-id="${sent.id}"] .row-content`).textContent()).toBe(`${HOSTILE.slice(0, 160)}…`);
    await row.click();
    await page.waitForSelector('[data-testid="message-detail"]');
    expect(await page.locator('[data-testid="message-detail"] .message-content').textContent()).toBe(HOSTILE);
    // All three echo it back: the replies list shows the payload as text too.
    await expect.poll(() => page.locator('[data-reply-id]').filter({ hasText: HOSTILE }).count(), { timeout: 20_000 }).toBe(3);
    await page.hover(`[data-message-id="${sent.id}"]`);
    await page.waitForTimeout(300);
    const injected = await page.evaluate<{ pwned: string | null; elements: number }>(`({
      pwned: window.__pwned ?? null,
      elements: document.querySelectorAll('#app img, #app script, #app svg, #app [onerror], #app [onload], #app [onmouseover]').length,
    })`);
    expect(injected).toEqual({ pwned: null, elements: 0 });
    expect(pageErrors).toEqual([]);
  });

  it('replays an earlier moment with fewer messages, then returns to live', async () => {
    const liveCount = Number(await page.getAttribute('[data-testid="message-count"]', 'data-count'));
    expect(liveCount).toBeGreaterThanOrEqual(5);
    const max = Number(await page.getAttribute('[data-testid="replay-slider"]', 'max'));
    const history = await store.readHistory({ after: 0 });
    const firstHumanMessage = history.find((event) => event.kind === 'message');
    const before = (firstHumanMessage?.seq ?? 1) - 1;
    await page.fill('[data-testid="replay-slider"]', String(before));
    await page.waitForSelector('[data-testid="replay-bar"][data-mode="replay"]');
    await page.waitForSelector('[data-testid="message-count"][data-count="0"]');
    await expect.poll(() => page.locator('[data-message-id]').count()).toBe(0);
    // Midway: some messages, fewer than live.
    const middle = history.filter((event) => event.kind === 'message')[3]?.seq ?? max;
    await page.fill('[data-testid="replay-slider"]', String(middle));
    await page.waitForSelector('[data-testid="message-count"][data-count="4"]');
    await expect.poll(() => page.locator('[data-message-id]').count()).toBe(4);
    const instancesThen = await page.locator('[data-instance-id]').count();
    expect(instancesThen).toBe(3);
    await page.click('[data-testid="replay-live"]');
    await page.waitForSelector('[data-testid="replay-bar"][data-mode="live"]');
    const back = Number(await page.getAttribute('[data-testid="message-count"]', 'data-count'));
    expect(back).toBeGreaterThanOrEqual(liveCount);
  });
});

/** A dashboard served in-process over a fresh SQLite store that `fill` prepares, and a browser to open it. */
async function storeDashboard(goal: string, fill: (store: CollectiveStore) => Promise<void>): Promise<{ browser: Browser; folder: string; store: CollectiveStore; server: DashboardServer; close: () => Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), `tachikoma-dashboard-${goal}-`));
  const store = createSqliteStore(join(folder, 'collective.db'));
  await fill(store);
  const server = await startDashboard({ store, port: 0, logPath: (id) => join(folder, `${id}.log`), run: { goal, workspace: null, runDirectory: folder, store: 'sqlite', budgets: null } });
  const browser = await launchChromium(chromiumPath ?? '');
  return {
    browser, folder, store, server,
    close: async () => {
      await browser.close();
      await server.close();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

describe.skipIf(chromiumPath === null)('the dashboard on a large finished run', () => {
  let browser: Browser;
  let server: DashboardServer;
  let close = (): Promise<void> => Promise.resolve();

  beforeAll(async () => {
    ({ browser, server, close } = await storeDashboard('large', async (store) => {
      await store.register({ id: 'instance_1', role: 'explorer' });
      await store.register({ id: 'instance_2', role: 'builder' });
      for (let start = 0; start < 5000; start += 500) {
        await Promise.all(Array.from({ length: 500 }, (_, offset) => store.publish({ from: (start + offset) % 2 === 0 ? 'instance_1' : 'instance_2', to: 'broadcast', type: (start + offset) % 10 === 0 ? 'question' : 'finding', content: `message number ${start + offset}` })));
      }
    }));
  });

  afterAll(() => close());

  it('keeps only the rows in sight in the DOM, pages older ones in as you scroll, and filters by type', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="message-count"][data-count="5000"]');
    await page.waitForSelector('[data-message-id]');
    expect(await page.locator('[data-testid="timeline-total"]').textContent()).toBe('5000');
    const rendered = await page.locator('[data-message-id]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);
    expect(await page.locator('.timeline-row .row-content').first().textContent()).toBe('message number 4999');
    // Scroll to the very end: the oldest message is fetched and shown, and the DOM stays small.
    await page.locator('.timeline-scroll').hover();
    await page.mouse.wheel(0, 5000 * 26);
    await page.waitForSelector('.timeline-row:has-text("message number 0")');
    expect(await page.locator('[data-message-id]').count()).toBeLessThan(80);
    await page.selectOption('[data-testid="filter-type"]', 'question');
    await expect.poll(() => page.locator('[data-testid="timeline-total"]').textContent()).toBe('500');
    await expect.poll(() => page.locator('.timeline-row .row-content').first().textContent()).toBe('message number 4990');
    await page.close();
  });
});

describe.skipIf(chromiumPath === null)('the dashboard facing odd data', () => {
  let browser: Browser;
  let folder: string;
  let store: CollectiveStore;
  let server: DashboardServer;
  let close = (): Promise<void> => Promise.resolve();

  beforeAll(async () => {
    ({ browser, folder, store, server, close } = await storeDashboard('odd', async (fresh) => {
      await fresh.register({ id: 'instance_1', role: 'explorer' });
      await fresh.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'an ordinary finding' });
    }));
  });

  afterAll(() => close());

  it('shows a proposal and a task an agent named "constructor" like any other', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(server.url);
    await page.waitForSelector('[data-ready="true"]');
    await store.openProposal({ id: 'constructor', title: 'named after a prototype member', options: ['a', 'b'], createdBy: 'instance_1', rule: 'majority', quorum: 1, deadline: new Date(Date.now() + 60_000).toISOString() });
    await store.createTask({ id: 'constructor', title: 'a task named constructor', createdBy: 'instance_1' });
    await store.claimTask('constructor', 'instance_1', { leaseMs: 60_000 });
    await page.click('[data-tab="votes"]');
    await page.waitForSelector('[data-proposal-id="constructor"]');
    await page.waitForSelector('[data-instance-id="instance_1"]');
    expect(await page.locator('#app').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows an instance\'s persona and notebook (its calls, their results, its summary) in its detail', async () => {
    await store.heartbeat('instance_1', { metadata: { persona: 'thorough, cautious' } });
    await store.putDocument('notebook', 'instance_1', {
      version: 1, summary: ['Turn 1 (no new messages): list_files(folder: "src") → ok'], compactedTurns: 1, voted: [], learned: [],
      turns: [{ iteration: 1, at: new Date().toISOString(), cue: '1 new message(s): msg_1 from human (question): what is in a.ts?', steps: [[
        { kind: 'call', id: 't1s0c0', tool: 'read_files', input: { paths: ['src/a.ts'] }, ok: true, result: '{"ok":true,"data":"// TODO: validate input"}' },
      ]] }],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(server.url);
    await page.waitForSelector('[data-instance-id="instance_1"]');
    await page.click('[data-instance-id="instance_1"] .instance-row');
    const notebook = page.locator('[data-testid="instance-notebook"]');
    await notebook.locator('[data-tool="read_files"]').waitFor();
    expect(await notebook.textContent()).toContain('TODO: validate input');
    expect(await notebook.textContent()).toContain('list_files(folder: "src") → ok');
    expect(await page.locator('[data-testid="instance-persona"]').textContent()).toBe('thorough, cautious');
    await page.close();
  });

  it('survives live batches of the wrong shape and keeps showing the run', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    const odd = [
      '{"not":"a list"}',
      'null',
      '[1, "two", null]',
      JSON.stringify([{ seq: 1_000_000, kind: 'message', action: 'published', entityId: 'x', at: new Date().toISOString(), data: { surprise: true } }]),
      JSON.stringify([{ seq: 1_000_001, kind: 'instance', action: 'updated', entityId: 'instance_9', at: new Date().toISOString(), data: { id: 'instance_9' } }]),
      JSON.stringify([{ seq: 1_000_002, kind: 'proposal', action: 'opened', entityId: 'p_odd', at: new Date().toISOString(), data: { id: 'p_odd' } }]),
      JSON.stringify([{ seq: 1_000_003, kind: 'task', action: 'created', entityId: 't_odd', at: new Date().toISOString(), data: { id: 't_odd' } }]),
    ];
    await page.route('**/api/events**', (route) =>
      route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, body: `retry: 60000\n\n${odd.map((data) => `event: batch\ndata: ${data}\n\n`).join('')}` }),
    );
    await page.goto(server.url);
    await page.waitForSelector('[data-ready="true"]');
    await page.waitForTimeout(800);
    for (const tab of ['votes', 'tasks', 'memory', 'budgets']) {
      await page.click(`[data-tab="${tab}"]`);
      await page.waitForTimeout(150);
    }
    await page.waitForSelector('.timeline-row:has-text("an ordinary finding")');
    await page.waitForSelector('[data-instance-id="instance_1"]');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('beyond loopback, takes the token out of the address bar once its cookie is set, and still works on reload', async () => {
    // 127.0.0.2 is still this machine, but not the default address: the server asks for a token.
    const guarded = await startDashboard({ store, host: '127.0.0.2', token: 'tok-in-the-url', port: 0, logPath: (id) => join(folder, `${id}.log`), run: { goal: 'odd', workspace: null, runDirectory: folder, store: 'sqlite', budgets: null } });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      await page.goto(guarded.url);
      await page.waitForSelector('[data-ready="true"]');
      expect(page.url()).not.toContain('tok-in-the-url');
      await page.reload();
      await page.waitForSelector('[data-instance-id="instance_1"]');
      expect(page.url()).not.toContain('tok-in-the-url');
      await page.close();
    } finally {
      await guarded.close();
    }
  });
});

describe.skipIf(chromiumPath === null)('the dashboard shows what the run spends', () => {
  it('tokens, cached share and cost per instance and in total, updated live', async () => {
    const usage = (calls: number, input: number, cached: number, cost: number) => ({
      turns: calls, modelCalls: calls, inputTokens: input, outputTokens: 1000, cacheReadTokens: cached, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: cost, wallSeconds: 10,
    });
    const { browser, store, server, close } = await storeDashboard('spend', async (fresh) => {
      await fresh.register({ id: 'instance_1', role: 'explorer', metadata: { usage: usage(10, 40_000, 30_000, 0.0123) } });
      await fresh.register({ id: 'instance_2', role: 'builder', metadata: { usage: usage(2, 10_000, 0, 0.03) } });
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      await page.goto(server.url);
      await page.waitForSelector('[data-ready="true"]');
      await expect.poll(() => page.locator('[data-instance-id="instance_1"] .usage').textContent()).toBe('41k tok · 75% cached · $0.0123');
      await page.click('[data-tab="budgets"]');
      await expect.poll(() => page.locator('[data-cached="collective"]').textContent()).toBe('60% of input tokens read from the cache');
      await expect.poll(() => page.locator('[data-budget-instance="instance_2"] [data-meter="model calls"] .meter-value').textContent()).toBe('2');
      // A checkpoint of instance_2 brings new usage: the page follows without a reload.
      await store.heartbeat('instance_2', { status: 'idle', metadata: { usage: usage(3, 20_000, 10_000, 0.05) } });
      await expect.poll(() => page.locator('[data-cached="instance_2"]').textContent()).toBe('50% of input tokens read from the cache');
      await expect.poll(() => page.locator('[data-budget-instance="instance_2"] [data-meter="cost"] .meter-value').textContent()).toBe('$0.0500');
      await page.close();
    } finally {
      await close();
    }
  }, 60_000);
});

describe.skipIf(chromiumPath === null)('the changes panel', () => {
  it('shows each change with its diff, keeps open votes blind, and records a veto clicked on the page', async () => {
    const workspace = makeGitWorkspace({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const runs = mkdtempSync(join(tmpdir(), 'tachikoma-dashboard-changes-'));
    const runDirectory = join(runs, 'r');
    const store = createSqliteStore(join(runs, 'collective.db'));
    for (const id of ['instance_1', 'instance_2', 'instance_3']) await store.register({ id, role: id === 'instance_3' ? 'reflector' : 'builder' });
    const vetoed = await seedChange(store, workspace, runDirectory, { instance: 'instance_1', taskId: 't1', file: 'a.txt', quorum: 2 });
    const merged = await seedChange(store, workspace, runDirectory, { instance: 'instance_2', taskId: 't2', file: 'b.txt', quorum: 1 });
    await store.castVote({ proposalId: merged.proposalId, voter: 'instance_3', option: 'merge', reason: 'REASON-FOR-T2' });
    await settleChanges(store, workspace, runDirectory);
    const server = await startDashboard({ store, port: 0, logPath: (id) => join(runs, `${id}.log`), run: { goal: 'changes', workspace, runDirectory, store: 'sqlite', budgets: null } });
    const browser = await launchChromium(chromiumPath ?? '');
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(server.url);
      await page.waitForSelector('[data-ready="true"]');
      await page.click('[data-tab="changes"]');
      const row = page.locator(`[data-testid="change-row"][data-branch="${vetoed.branch}"]`);
      await row.waitFor();
      expect(await page.locator('[data-testid="changes-panel"] [data-testid="change-row"]').count()).toBe(2);
      expect(await row.getAttribute('data-state')).toBe('in_review');
      expect(await row.textContent()).toMatch(/in review.*by instance_1 · task t1 · 1 file changed, 1 insertion\(\+\), 1 deletion\(-\) · a\.txt.*vote open · 0 voted/);
      const mergedRow = page.locator(`[data-testid="change-row"][data-branch="${merged.branch}"]`);
      expect(await mergedRow.getAttribute('data-state')).toBe('merged');
      expect(await mergedRow.textContent()).toContain('instance_3 → merge: REASON-FOR-T2');
      expect(await mergedRow.locator('[data-testid="change-veto"]').count()).toBe(0);

      // The diff, on demand.
      await row.locator('[data-testid="change-diff"] summary').click();
      await expect.poll(() => row.locator('.diff-text').textContent()).toContain('+t1 was here');

      // A vote arrives while the proposal is open: the page learns who voted, not the choice or the reason.
      await store.castVote({ proposalId: vetoed.proposalId, voter: 'instance_3', option: 'merge', reason: 'SECRET-REVIEW-OF-T1' });
      await expect.poll(() => row.locator('[data-testid="change-vote"]').textContent()).toContain('1 voted');
      expect(await row.textContent()).toContain('instance_3 → voted (shown when the vote closes)');
      await page.click('[data-tab="votes"]');
      await page.waitForSelector(`[data-proposal-id="${vetoed.proposalId}"] [data-voter="instance_3"][data-sealed="true"]`);
      expect(await page.locator(`[data-proposal-id="${vetoed.proposalId}"] [data-testid="vote-count"]`).textContent()).toContain('1 voted');
      expect(await page.content()).not.toContain('SECRET-REVIEW-OF-T1');

      // The veto: a reason, the button; the store records it and the row turns vetoed.
      await page.click('[data-tab="changes"]');
      await row.locator('[data-testid="change-veto-reason"]').fill('touches the release notes');
      await row.locator('[data-testid="change-veto"]').click();
      await page.waitForSelector(`[data-testid="change-row"][data-branch="${vetoed.branch}"][data-state="vetoed"]`);
      expect(await row.textContent()).toContain('vetoed by human: touches the release notes');
      expect(await row.locator('[data-testid="change-veto"]').count()).toBe(0);
      expect((await store.getProposal(vetoed.proposalId))?.outcome).toMatchObject({ status: 'vetoed', veto: { by: 'human', reason: 'touches the release notes' } });
      // Closed by the veto, the vote shows its choice and reason.
      await page.click('[data-tab="votes"]');
      await page.waitForSelector(`[data-proposal-id="${vetoed.proposalId}"] [data-voter="instance_3"][data-sealed="false"]`);
      expect(await page.locator(`[data-proposal-id="${vetoed.proposalId}"]`).textContent()).toContain('SECRET-REVIEW-OF-T1');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await browser.close();
      await server.close();
      await store.close();
      rmSync(workspace, { recursive: true, force: true });
      rmSync(runs, { recursive: true, force: true });
    }
  }, 60_000);
});
