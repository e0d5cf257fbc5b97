import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolResult } from '../brain/brain.js';
import { renderToolResult } from '../brain/model/render-tool-result.js';
import { allowedTools } from '../collective/roles.js';
import type { Role } from '../protocol/index.js';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import { ALL_TOOLS } from './all-tools.js';
import { createToolBox } from './create-tool-box.js';
import { READ_OUTPUT_CHARS } from './numbered-read.js';
import { SPOT_CHECK_LINES } from './read-files.js';

let directory = '';
let store: CollectiveStore;

/** A file of `lines` lines of `width` characters each. */
function writeLines(path: string, lines: number, width: number): void {
  writeFileSync(join(directory, path), Array.from({ length: lines }, (_, index) => `${index + 1}`.padEnd(width, 'x')).join('\n'));
}

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tachikoma-read-files-'));
  mkdirSync(join(directory, 'src'));
  for (let file = 0; file < 10; file += 1) writeLines(`src/f${file}.ts`, 100, 59); // ~6,000 characters each
  for (const name of ['a', 'b']) writeLines(`src/${name}.ts`, 200, 20);
  store = createSqliteStore(join(directory, 'collective.db'));
  for (const id of ['instance_1', 'instance_2']) await store.register({ id, role: 'explorer' });
  await store.register({ id: 'instance_3', role: 'coordinator' });
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function box(self: string, currentTask: { id: string | null } = { id: null }, role: Role = 'explorer') {
  return createToolBox({
    tools: ALL_TOOLS, store, self, role, signal: new AbortController().signal, currentTask, leaseMs: 60_000, seen: { seq: 0 },
    workspace: directory, runDirectory: directory, allowed: allowedTools(role, true), turnKey: `${self}-${Math.random()}`,
  });
}

type Entry = { path: string; lines?: string[]; note?: string; notRead?: string; toLine?: number };

function entries(result: ToolResult): Entry[] {
  if (!result.ok) throw new Error(`the call failed: ${result.error}`);
  return result.data as Entry[];
}

describe('read_files budgets its own output', () => {
  it('reads whole files until the call budget is spent, cuts the next with a "read next" hint, and names the files left', async () => {
    const paths = Array.from({ length: 10 }, (_, file) => `src/f${file}.ts`);
    const result = await box('instance_1').call('read_files', { paths });
    const read = entries(result);
    const whole = read.filter((entry) => entry.lines?.length === 100);
    const cut = read.find((entry) => entry.note !== undefined);
    expect(whole.length).toBeGreaterThanOrEqual(3);
    expect(cut?.note).toMatch(/^cut at line \d+ of 100 \(this call's 24,000-character output was full\): read lines \d+–100 next \(fromLine \d+, toLine 100\)$/);
    const left = read.slice(whole.length + 1);
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((entry) => entry.notRead === "not read: this call's 24,000-character output was full; read it in another call")).toBe(true);
    const lines = read.flatMap((entry) => entry.lines ?? []);
    expect(lines.join('').length).toBeLessThanOrEqual(READ_OUTPUT_CHARS);
    // The model sees the whole answer: no generic cut in the middle of the JSON.
    const spec = box('instance_1').specs.find((candidate) => candidate.name === 'read_files');
    const rendered = renderToolResult(result, spec?.maxResultChars);
    expect(rendered).not.toMatch(/\[cut: \d+ characters in all/);
    expect(JSON.parse(rendered)).toEqual(result);
  });

  it('records in the coverage map only the files it read', async () => {
    await box('instance_1').call('read_files', { paths: Array.from({ length: 10 }, (_, file) => `src/f${file}.ts`) });
    const covered = (await store.listCoverage()).map((entry) => entry.area);
    expect(covered.length).toBeGreaterThanOrEqual(4);
    expect(covered.length).toBeLessThan(10);
  });
});

describe('read_files keeps the division of labour', () => {
  it('does not re-read a file a peer read, outside the reader\'s task, unless asked or a spot check', async () => {
    await box('instance_2').call('read_files', { paths: ['src/a.ts'] });
    const [refused] = entries(await box('instance_1').call('read_files', { paths: ['src/a.ts'] }));
    expect(refused?.lines).toBeUndefined();
    expect(refused?.notRead).toMatch(/^not read: instance_2 already read this file and you hold no task;/);
    const [again] = entries(await box('instance_1').call('read_files', { paths: ['src/a.ts'], again: true }));
    expect(again?.lines).toHaveLength(200);
    const spot = entries(await box('instance_1').call('read_files', { paths: ['src/a.ts', 'src/b.ts'], fromLine: 10, toLine: 10 + SPOT_CHECK_LINES - 2 }));
    expect(spot.map((entry) => entry.lines?.length)).toEqual([SPOT_CHECK_LINES - 1, SPOT_CHECK_LINES - 1]);
    // A spot check does not make a file covered: instance_2 still reads b.ts whole.
    expect(await store.listCoverage({ instance: 'instance_1' })).toMatchObject([{ area: 'src/a.ts' }, { area: 'src/a.ts:10-68' }, { area: 'src/b.ts:10-68' }]);
    expect(entries(await box('instance_2').call('read_files', { paths: ['src/b.ts'] }))[0]?.lines).toHaveLength(200);
  });

  it('reads a peer-read file that is in the reader\'s task scope, or any file for a review task', async () => {
    await box('instance_2').call('read_files', { paths: ['src/a.ts', 'src/b.ts'] });
    await store.acquireRoleLease('coordinator', 'instance_3', { ttlMs: 60_000 });
    const coordinator = box('instance_3', { id: null }, 'coordinator');
    expect(await coordinator.call('create_task', { id: 'work_a', title: 'a', scope: ['src/a.ts'] })).toMatchObject({ ok: true });
    expect(await coordinator.call('create_task', { id: 'review_b', kind: 'review', title: 'b again', scope: ['src/'] })).toMatchObject({ ok: true });
    await store.claimTask('work_a', 'instance_1', { leaseMs: 60_000 });
    const holding = box('instance_1', { id: 'work_a' });
    const [inScope, outside] = entries(await holding.call('read_files', { paths: ['src/a.ts', 'src/b.ts'] }));
    expect(inScope?.lines).toHaveLength(200);
    expect(outside?.notRead).toMatch(/outside the scope of your task work_a/);
    await store.completeTask('work_a', 'instance_1', { result: 'done', evidence: ['src/a.ts:1'] });
    await store.claimTask('review_b', 'instance_1', { leaseMs: 60_000 });
    expect(entries(await box('instance_1', { id: 'review_b' }).call('read_files', { paths: ['src/b.ts'] }))[0]?.lines).toHaveLength(200);
  });
});

describe('read_files and claimed scopes', () => {
  it('does not read a file in the scope of a work task another instance holds, even before anyone read it', async () => {
    await store.acquireRoleLease('coordinator', 'instance_3', { ttlMs: 60_000 });
    const coordinator = box('instance_3', { id: null }, 'coordinator');
    expect(await coordinator.call('create_task', { id: 'work_a', title: 'a', scope: ['src/a.ts'] })).toMatchObject({ ok: true });
    await store.claimTask('work_a', 'instance_2', { leaseMs: 60_000 });
    const [held, free] = entries(await box('instance_1').call('read_files', { paths: ['src/a.ts', 'src/b.ts'] }));
    expect(held?.notRead).toMatch(/^not read: it is in the scope of task work_a, which instance_2 holds and you hold no task;/);
    expect(free?.lines).toHaveLength(200);
    expect(entries(await box('instance_2', { id: 'work_a' }).call('read_files', { paths: ['src/a.ts'] }))[0]?.lines).toHaveLength(200);
  });
});

describe('create_task keeps work scopes disjoint', () => {
  it('refuses a work task over files another work task covers, naming it; a review or a failed task\'s scope is allowed', async () => {
    await store.acquireRoleLease('coordinator', 'instance_3', { ttlMs: 60_000 });
    const coordinator = box('instance_3', { id: null }, 'coordinator');
    expect(await coordinator.call('create_task', { id: 'parser', title: 'parser', scope: ['src/'] })).toMatchObject({ ok: true });
    expect(await coordinator.call('create_task', { id: 'second_look', title: 'second look', scope: ['./src/a.ts'] })).toEqual({
      ok: false,
      error: 'scope "./src/a.ts" overlaps task parser (open, scope src/): give this task a disjoint scope, or create it with kind "review" if it is meant to look again at covered work',
    });
    expect(await coordinator.call('create_task', { id: 'elsewhere', title: 'tests', scope: ['test/**/*.ts', 'README.md'] })).toMatchObject({ ok: true });
    expect(await coordinator.call('create_task', { id: 'check', kind: 'review', title: 'check', scope: ['src/a.ts'] })).toMatchObject({ ok: true, data: { kind: 'review' } });
    await store.claimTask('parser', 'instance_1', { leaseMs: 60_000 });
    await store.failTask('parser', 'instance_1', 'gave up');
    expect(await coordinator.call('create_task', { id: 'parser_again', title: 'parser again', scope: ['src/'] })).toMatchObject({ ok: true });
  });
});
