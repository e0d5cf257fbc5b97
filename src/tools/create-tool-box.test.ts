import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allowedTools } from '../collective/roles.js';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import { ALL_TOOLS } from './all-tools.js';
import { callKey, createToolBox, turnMessageId } from './create-tool-box.js';

let directory = '';
let store: CollectiveStore;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tachikoma-tools-'));
  store = createSqliteStore(join(directory, 'collective.db'));
  await store.register({ id: 'instance_1', role: 'explorer' });
  await store.register({ id: 'instance_2', role: 'builder' });
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function box(self: string, role: 'explorer' | 'builder', turnKey = '0') {
  return createToolBox({
    tools: ALL_TOOLS, store, self, role, signal: new AbortController().signal, currentTask: { id: null }, leaseMs: 60_000,
    workspace: directory, runDirectory: directory, allowed: allowedTools(role, true), turnKey,
  });
}

describe('the tool box', () => {
  it('runs a valid call and records it; refuses unknown tools, bad input and other roles\' tools as readable errors', async () => {
    const tools = box('instance_1', 'explorer');
    const sent = await tools.call('send_message', { to: 'instance_2', type: 'question', content: 'hi' });
    expect(sent.ok).toBe(true);
    expect(await tools.call('teleport', {})).toMatchObject({ ok: false, error: expect.stringMatching(/unknown tool "teleport"/) });
    expect(await tools.call('send_message', { to: '../etc', type: 'question', content: 'x' })).toMatchObject({ ok: false, error: expect.stringMatching(/invalid input for send_message/) });
    expect(await tools.call('write_report', { markdown: '# x' })).toMatchObject({ ok: false, error: expect.stringMatching(/may not use write_report/) });
    expect(await tools.call('read_files', { paths: ['../../etc/passwd'] })).toMatchObject({ ok: true, data: [{ error: expect.stringMatching(/refused/) }] });
    expect(tools.calls.map((call) => [call.tool, call.ok])).toEqual([['send_message', true], ['teleport', false], ['send_message', false], ['write_report', false], ['read_files', true]]);
    expect(tools.specs.some((spec) => spec.name === 'write_report')).toBe(false);
  });

  it('derives message ids from the turn and the call, so a replayed turn publishes nothing twice', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const tools = box('instance_1', 'explorer', '7');
      await tools.call('send_message', { to: 'broadcast', type: 'finding', content: 'once' });
      // The same call twice in one turn is two messages (its occurrence is part of the id), in both lives.
      await tools.call('share_finding', { content: 'the lease clock is local to each host', tags: ['lease'] });
      await tools.call('send_message', { content: 'once', type: 'finding', to: 'broadcast' });
    }
    const stored = await store.readMessages({ audience: { all: true }, after: 0 });
    expect(stored.map((message) => message.content)).toEqual(['once', 'the lease clock is local to each host', 'once']);
    expect(await store.countMemory()).toBe(1);
    const key = callKey('send_message', {}, 0, 0);
    expect(turnMessageId('instance_1', '7', key)).not.toBe(turnMessageId('instance_1', '8', key));
  });

  it('stores what a replayed turn does differently: new content gets a new id, and the first life\'s writes stay', async () => {
    const first = box('instance_1', 'explorer', '3');
    expect((await first.call('answer', { to: 'human', answer: 'first life: 3 files' })).ok).toBe(true);
    expect((await first.call('share_finding', { content: 'src/a.ts calls eval on user input' })).ok).toBe(true);
    // Killed before its checkpoint; the next life replays turn 3 and its model answers otherwise.
    const replay = box('instance_1', 'explorer', '3');
    expect((await replay.call('answer', { to: 'human', answer: 'second life: 4 files' })).ok).toBe(true);
    expect((await replay.call('share_finding', { content: 'src/b.ts writes secrets into the log file' })).ok).toBe(true);
    const toHuman = await store.readMessages({ audience: { human: true }, after: 0 });
    expect(toHuman.map((message) => message.content)).toEqual(['first life: 3 files', 'second life: 4 files']);
    const memory = await store.listMemory({ order: 'recency' });
    expect(memory.map((item) => item.content).sort()).toEqual(['src/a.ts calls eval on user input', 'src/b.ts writes secrets into the log file']);
  });

  it('lets only the coordinator create tasks, and completion carries evidence and broadcasts task_complete', async () => {
    const tools = box('instance_1', 'explorer');
    expect(await tools.call('create_task', { title: 'x' })).toMatchObject({ ok: false, error: expect.stringMatching(/only the coordinator may create tasks/) });
    expect((await tools.call('coordinator_lease', { action: 'acquire' })).ok).toBe(true);
    const created = await tools.call('create_task', { id: 'task_x', title: 'x' });
    expect(created.ok).toBe(true);
    expect((await tools.call('claim_task', {})).ok).toBe(true);
    expect(await tools.call('complete_task', { taskId: 'task_x', result: 'done', evidence: [] })).toMatchObject({ ok: false });
    expect((await tools.call('complete_task', { taskId: 'task_x', result: 'done', evidence: ['a.ts:1'] })).ok).toBe(true);
    const types = (await store.readMessages({ audience: { all: true }, after: 0 })).map((message) => message.type);
    expect(types).toEqual(['status', 'task_complete']);
  });
});
