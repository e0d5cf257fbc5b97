/**
 * `npm run bench:dashboard [-- --quick]`: the dashboard in a real (headless) Chromium, fed by a separate writer
 * process through the store, as a live run feeds it.
 * - event→screen: messages written at a steady 20/s; for each, the time from its commit to the first frame
 *   after its timeline row is in the page.
 * - a 10,000-message burst: the longest main-thread task while the page takes it in (Long Tasks API), and
 *   the longest gap between frames.
 * - a 100,000-message run: how long the server takes to read it, and how long the page takes to open on it.
 * Prints a table, then the figures as one JSON object on the last line of stdout. Progress goes to stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { type DashboardServer, startDashboard } from '../src/dashboard/server/serve-dashboard.js';
import { type CollectiveStore, createSqliteStore } from '../src/store/index.js';
import { findChromium, launchChromium } from '../test/support/chromium.js';
import { percentile, round } from './store/stats.js';

const WRITER = join(import.meta.dirname, 'dashboard', 'writer-process.js');
const children = new Set<ChildProcess>();

function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Runs the writer process; resolves with the JSON lines it printed. */
function runWriter(args: string[]): Promise<Array<Record<string, number | string>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    const lines: Array<Record<string, number | string>> = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as Record<string, number | string>));
    child.once('exit', (code) => {
      children.delete(child);
      if (code === 0) resolve(lines);
      else reject(new Error(`writer exited with ${code}`));
    });
  });
}

async function registerInstances(store: CollectiveStore): Promise<void> {
  for (const [id, role] of [['instance_1', 'explorer'], ['instance_2', 'builder'], ['instance_3', 'reflector']] as const) await store.register({ id, role, status: 'idle' });
}

async function serve(store: CollectiveStore, directory: string): Promise<DashboardServer> {
  return startDashboard({
    store,
    port: 0,
    logPath: (id) => join(directory, `${id}.log`),
    run: { goal: 'dashboard bench', workspace: null, runDirectory: directory, store: 'sqlite', budgets: null },
  });
}

// The scripts below run inside the page (plain JavaScript: this program is type-checked without the DOM).
const COUNT_EXPRESSION = `Number(document.querySelector('[data-testid="message-count"]')?.getAttribute('data-count'))`;

/** Records, in the page, when each timeline row first shows: the first animation frame after it is in the DOM. */
const WATCH_ROWS = `(() => {
  const seen = {};
  window.__seen = seen;
  const mark = (element) => {
    const id = element.getAttribute('data-message-id');
    if (id === null || id in seen) return;
    seen[id] = 0;
    requestAnimationFrame(() => { seen[id] = performance.timeOrigin + performance.now(); });
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === 'attributes' && mutation.target instanceof Element) mark(mutation.target);
      for (const node of mutation.addedNodes) if (node instanceof Element && node.hasAttribute('data-message-id')) mark(node);
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-message-id'] });
})()`;

/** Long tasks (Long Tasks API) and the longest gap between animation frames, from now on. */
const WATCH_MAIN_THREAD = `(() => {
  const state = { longest: 0, count: 0, maxGap: 0, last: performance.now(), running: true };
  window.__burst = state;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      state.count += 1;
      state.longest = Math.max(state.longest, entry.duration);
    }
  }).observe({ type: 'longtask', buffered: false });
  const frame = (now) => {
    state.maxGap = Math.max(state.maxGap, now - state.last);
    state.last = now;
    if (state.running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;

async function messageCount(page: Page): Promise<number> {
  return Number(await page.evaluate(COUNT_EXPRESSION));
}

/** Polls the page (from here: the page's CSP forbids evaluating strings inside it) until it shows `count` messages. */
async function waitForCount(page: Page, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await messageCount(page)) < count) {
    if (Date.now() > deadline) throw new Error(`the page did not reach ${count} messages in ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 15));
  }
}

async function watchRows(page: Page): Promise<void> {
  await page.evaluate(WATCH_ROWS);
}

async function measureLive(page: Page, dbPath: string, quick: boolean): Promise<{ p50: number; p95: number; max: number; samples: number; missing: number }> {
  await watchRows(page);
  const count = quick ? 60 : 200;
  note(`event→screen: ${count} messages at 20/s from a writer process…`);
  const lines = (await runWriter([dbPath, 'paced', String(count), '20'])).filter((line) => typeof line.id === 'string');
  await new Promise((done) => setTimeout(done, 1500));
  const seen = await page.evaluate<Record<string, number>>('window.__seen');
  const latencies: number[] = [];
  let missing = 0;
  for (const line of lines) {
    const shown = seen[String(line.id)];
    if (shown === undefined || shown === 0) missing += 1;
    else latencies.push(shown - Number(line.at));
  }
  return { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: latencies.length === 0 ? Number.NaN : Math.max(...latencies), samples: latencies.length, missing };
}

async function measureBurst(page: Page, dbPath: string, count: number): Promise<{ longestTask: number; longTasks: number; maxFrameGap: number; foldS: number }> {
  const before = await messageCount(page);
  await page.evaluate(WATCH_MAIN_THREAD);
  note(`burst: ${count} messages as fast as the store takes them…`);
  const started = Date.now();
  await runWriter([dbPath, 'burst', String(count)]);
  await waitForCount(page, before + count, 120_000);
  const foldS = (Date.now() - started) / 1000;
  await new Promise((done) => setTimeout(done, 500));
  const burst = await page.evaluate<{ longest: number; count: number; maxGap: number }>('(() => { window.__burst.running = false; return window.__burst; })()');
  return { longestTask: burst.longest, longTasks: burst.count, maxFrameGap: burst.maxGap, foldS };
}

async function measureLoad(browser: Browser, directory: string, count: number, rounds: number): Promise<{ ingestS: number; loads: number[] }> {
  const dbPath = join(directory, 'big.db');
  const store = createSqliteStore(dbPath);
  await registerInstances(store);
  note(`load: writing a ${count.toLocaleString('en')}-message run…`);
  await runWriter([dbPath, 'burst', String(count)]);
  const started = performance.now();
  const server = await serve(store, directory);
  const ingestS = (performance.now() - started) / 1000;
  const loads: number[] = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      const start = performance.now();
      await page.goto(server.url);
      await waitForCount(page, count, 60_000);
      await page.waitForSelector('[data-message-id]');
      loads.push((performance.now() - start) / 1000);
      await page.close();
    }
  } finally {
    await server.close();
    await store.close();
  }
  return { ingestS, loads };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const quick = values.quick;
  const chromiumPath = findChromium();
  if (chromiumPath === null) throw new Error("no Chromium found: install Debian's chromium (apt-get install chromium) or set TACHIKOMA_CHROMIUM");
  const directory = mkdtempSync(join(tmpdir(), 'tachikoma-dashboard-bench-'));
  const browser = await launchChromium(chromiumPath);
  try {
    const dbPath = join(directory, 'live.db');
    const store = createSqliteStore(dbPath);
    await registerInstances(store);
    const server = await serve(store, directory);
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(server.url);
    await page.waitForSelector('[data-ready="true"]');
    const live = await measureLive(page, dbPath, quick);
    const burstCount = quick ? 2000 : 10_000;
    const burst = await measureBurst(page, dbPath, burstCount);
    await page.close();
    await server.close();
    await store.close();
    const loadCount = quick ? 20_000 : 100_000;
    const load = await measureLoad(browser, directory, loadCount, 3);
    const loadSorted = [...load.loads].sort((a, b) => a - b);
    const figures = {
      event_to_screen_p50_ms: round(live.p50, 1),
      event_to_screen_p95_ms: round(live.p95, 1),
      event_to_screen_max_ms: round(live.max, 1),
      event_to_screen_samples: live.samples,
      event_to_screen_missing: live.missing,
      burst_messages: burstCount,
      burst_10k_longest_task_ms: round(burst.longestTask, 1),
      burst_10k_long_tasks: burst.longTasks,
      burst_10k_max_frame_gap_ms: round(burst.maxFrameGap, 1),
      burst_10k_all_folded_s: round(burst.foldS, 2),
      load_messages: loadCount,
      load_100k_s: round(loadSorted[Math.floor(loadSorted.length / 2)] ?? NaN, 3),
      load_100k_runs_s: load.loads.map((value) => round(value, 3)),
      server_ingest_100k_s: round(load.ingestS, 2),
      quick,
    };
    const rows = [
      ['event→screen p95 (ms)', figures.event_to_screen_p95_ms, '≤ 150'],
      ['event→screen p50 / max (ms)', `${figures.event_to_screen_p50_ms} / ${figures.event_to_screen_max_ms}`, ''],
      [`longest task, ${burstCount}-message burst (ms)`, `${figures.burst_10k_longest_task_ms} (${figures.burst_10k_long_tasks} tasks ≥ 50 ms)`, '≤ 200'],
      ['longest frame gap in the burst (ms)', figures.burst_10k_max_frame_gap_ms, ''],
      [`page opens on a ${loadCount}-message run (s, median of 3)`, figures.load_100k_s, '≤ 1.5'],
      [`server reads that run (s)`, figures.server_ingest_100k_s, ''],
    ];
    for (const [label, value, target] of rows) process.stdout.write(`${String(label).padEnd(48)} ${String(value).padEnd(24)} ${target}\n`);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await browser.close();
    for (const child of children) child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  for (const child of children) child.kill('SIGKILL');
  process.stderr.write(`bench:dashboard failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
