import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolResult } from '../brain/brain.js';
import { allowedTools } from '../collective/roles.js';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import { ALL_TOOLS } from './all-tools.js';
import { createToolBox, toolInputJsonSchema } from './create-tool-box.js';
import { MAX_READ_LINES } from './numbered-read.js';

let directory = '';
let store: CollectiveStore;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tachikoma-readable-'));
  mkdirSync(join(directory, 'src'));
  writeFileSync(join(directory, 'src/long.ts'), Array.from({ length: 1500 }, (_, index) => `line ${index + 1}`).join('\n'));
  for (const name of ['a', 'b', 'c']) writeFileSync(join(directory, `src/${name}.ts`), `export const ${name} = 1;\n`);
  store = createSqliteStore(join(directory, 'collective.db'));
  await store.register({ id: 'instance_1', role: 'explorer' });
  await store.register({ id: 'instance_2', role: 'explorer' });
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function box(self: string, seen = { seq: 0 }, turnKey = '0') {
  return createToolBox({
    tools: ALL_TOOLS, store, self, role: 'explorer', signal: new AbortController().signal, currentTask: { id: null }, leaseMs: 60_000, seen,
    workspace: directory, runDirectory: directory, allowed: allowedTools('explorer', true), turnKey,
  });
}

function data(result: ToolResult): unknown {
  if (!result.ok) throw new Error(`the call failed: ${result.error}`);
  return result.data;
}

/** Every property of an object schema, at any depth, that has no description. */
function undescribed(schema: unknown, path = ''): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as { properties?: Record<string, { description?: string }>; items?: unknown };
  const own = Object.entries(node.properties ?? {}).flatMap(([name, property]) => [
    ...(property.description === undefined ? [`${path}${name}`] : []),
    ...undescribed(property, `${path}${name}.`),
  ]);
  return [...own, ...undescribed(node.items, path)];
}

describe('tools a model reads easily', () => {
  it('describes every input field of every tool in the JSON schema the model sees', () => {
    const missing = ALL_TOOLS.flatMap((tool) => undescribed(toolInputJsonSchema(tool)).map((field) => `${tool.name}.${field}`));
    expect(missing).toEqual([]);
  });

  it('reads numbered lines and says which lines to read next when a read is cut', async () => {
    const [whole] = data(await box('instance_1').call('read_files', { paths: ['src/long.ts'] })) as Array<{ lines: string[]; note: string; toLine: number }>;
    expect(whole?.lines[0]).toBe(`${' '.repeat(String(MAX_READ_LINES).length - 1)}1: line 1`);
    expect(whole?.lines).toHaveLength(MAX_READ_LINES);
    expect(whole?.note).toBe(`cut at line ${MAX_READ_LINES} of 1500: read lines ${MAX_READ_LINES + 1}–1500 next (fromLine ${MAX_READ_LINES + 1}, toLine 1500)`);
    const [range] = data(await box('instance_1').call('read_files', { paths: ['src/long.ts'], fromLine: 1498 })) as Array<{ lines: string[]; note?: string }>;
    expect(range?.lines).toEqual(['1498: line 1498', '1499: line 1499', '1500: line 1500']);
    expect(range?.note).toBeUndefined();
  });

  it('says when a file list was cut, and records what each instance read in the coverage map', async () => {
    expect(data(await box('instance_1').call('list_files', { folder: 'src', limit: 2 }))).toMatchObject({ files: ['src/a.ts', 'src/b.ts'], cut: true, note: expect.stringMatching(/cut at 2 files/) });
    expect(data(await box('instance_1').call('list_files', { folder: 'src' }))).toMatchObject({ cut: false });
    await box('instance_2').call('read_files', { paths: ['src/a.ts', 'src/missing.ts'] });
    await box('instance_1').call('audit_files', { paths: ['src/b.ts'] });
    expect((await store.listCoverage()).map((entry) => [entry.instance, entry.area, entry.via])).toEqual([
      ['instance_2', 'src/a.ts', 'read_files'],
      ['instance_1', 'src/b.ts', 'audit_files'],
    ]);
  });

  it('read_inbox shows only what this instance has not seen yet', async () => {
    const first = await store.publish({ from: 'instance_2', to: 'broadcast', type: 'finding', content: 'shown in the prompt' });
    const seen = { seq: first.seq };
    const tools = box('instance_1', seen);
    expect(data(await tools.call('read_inbox', {}))).toEqual({ messages: [], note: 'nothing new' });
    await store.publish({ from: 'instance_2', to: 'instance_1', type: 'question', content: 'new one' });
    expect((data(await tools.call('read_inbox', {})) as { messages: Array<{ content: string }> }).messages.map((message) => message.content)).toEqual(['new one']);
    expect(data(await tools.call('read_inbox', {}))).toEqual({ messages: [], note: 'nothing new' });
  });

  it('fails clearly: nothing to claim (blocked tasks named), and the coordinator role held by another', async () => {
    expect(await box('instance_1').call('claim_task', {})).toEqual({ ok: false, error: 'nothing to claim: no open task on the board' });
    await store.createTask({ id: 'task_first', title: 'first', createdBy: 'orchestrator' });
    await store.createTask({ id: 'task_after', title: 'after', dependsOn: ['task_first'], createdBy: 'orchestrator' });
    await store.claimTask('task_first', 'instance_2', { leaseMs: 60_000 });
    expect(await box('instance_1').call('claim_task', {})).toEqual({ ok: false, error: expect.stringMatching(/^nothing to claim for a explorer: 1 blocked until their dependencies are done \(task_after waits on task_first\)/) });
    const board = data(await box('instance_1').call('list_tasks', { state: 'open' })) as Array<{ id: string; blocked: boolean; waitingOn: string[] }>;
    expect(board.map((task) => [task.id, task.blocked, task.waitingOn])).toEqual([['task_after', true, ['task_first']]]);
    const lease = await store.acquireRoleLease('coordinator', 'instance_2', { ttlMs: 60_000 });
    expect(await box('instance_1').call('coordinator_lease', { action: 'acquire' })).toEqual({
      ok: false,
      error: `the coordinator role is held by instance_2 until ${lease?.expiresAt ?? ''}; you are not the coordinator`,
    });
  });

  it('keeps votes blind while open: the broadcast says only who voted, read_votes refuses, list_proposals says whether I voted', async () => {
    await box('instance_1').call('propose', { id: 'prop_q', title: 'Which first?', options: ['a', 'b'], quorum: 3 });
    expect(data(await box('instance_2', { seq: 0 }, '1').call('vote', { proposalId: 'prop_q', option: 'b', reason: 'SECRET_REASON' }))).toMatchObject({ option: 'b' });
    const votes = (await store.readMessages({ audience: { all: true }, after: 0 })).filter((message) => message.type === 'vote');
    expect(votes.map((message) => [message.content, message.metadata])).toEqual([['instance_2 voted on prop_q (round 1)', { proposalId: 'prop_q', round: 1 }]]);
    expect(await box('instance_1').call('read_votes', { proposalId: 'prop_q' })).toMatchObject({ ok: false, error: expect.stringMatching(/blind while the vote is open/) });
    const listed = data(await box('instance_1').call('list_proposals', {})) as Array<{ votedByMe: boolean; deadline: string }>;
    expect(listed.map((proposal) => proposal.votedByMe)).toEqual([false]);
    // The default window fits a model's latency: ten minutes.
    expect(Date.parse(listed[0]?.deadline ?? '') - Date.now()).toBeGreaterThan(9 * 60_000);
  });

  it('shares one finding once when two instances share it at the same moment', async () => {
    const content = 'parse() in src/a.ts trusts its input: Number() of anything is returned unchecked';
    const results = await Promise.all([
      box('instance_1', { seq: 0 }, 'x').call('share_finding', { content, evidence: ['src/a.ts:1'] }),
      box('instance_2', { seq: 0 }, 'y').call('share_finding', { content, evidence: ['src/a.ts:1'] }),
    ]);
    expect(results.every((result) => result.ok)).toBe(true);
    expect((await store.readMessages({ audience: { all: true }, after: 0 })).filter((message) => message.type === 'finding')).toHaveLength(1);
    expect(await store.countMemory()).toBe(1);
  });
});
