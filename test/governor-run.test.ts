import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CollectiveStore } from '../src/store/index.js';
import { DEBUG_LOG, RunningCollective, alive, cli, instanceLogEvents, makeWorkspace, openRunStore, waitFor } from './support/collective-harness.js';

const ECHO = {
  version: 1,
  onMessage: [{ match: { from: 'human' }, calls: [{ tool: 'answer', input: { to: 'human', answer: 'heard: {{content}}' } }] }],
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function humanInbox(store: CollectiveStore): Promise<string[]> {
  return (await store.readMessages({ audience: { human: true }, after: 0 })).map((message) => message.content);
}

describe('the governor in a live run', () => {
  it('pauses an instance at its turn budget, asks the human, keeps the messages that arrive, and resumes on "resume"', async () => {
    const { workspace, runDirectory, cleanup } = makeWorkspace(ECHO);
    cleanups.push(cleanup);
    const run = new RunningCollective(workspace, runDirectory, ['--instances', '1', '--max-turns', '2'], DEBUG_LOG);
    cleanups.push(async () => {
      if (alive(run.pid)) run.kill('SIGKILL');
      await run.exited;
      // The instance stops when its orchestrator goes, writing its state file last: wait, so the folder can go.
      const state = join(runDirectory, '.instance_1_state.json');
      const pid = existsSync(state) ? z.object({ pid: z.number() }).parse(JSON.parse(readFileSync(state, 'utf8'))).pid : undefined;
      if (pid !== undefined) await waitFor('instance_1 to exit', () => !alive(pid) || undefined, 15_000);
    });
    await waitFor('the store', async () => (await cli(['status', '--run-dir', runDirectory])).status === 0);
    const store = openRunStore(runDirectory);
    cleanups.push(() => store.close());
    await waitFor('instance_1 idle', async () => (await store.getInstance('instance_1'))?.status === 'idle');
    expect((await cli(['send', '--run-dir', runDirectory, '--to', 'instance_1', 'first'])).status).toBe(0);
    const paused = await waitFor('a pause notice to the human', async () => (await humanInbox(store)).find((content) => content.includes('paused')));
    expect(paused).toMatch(/instance_1 paused: instance turn budget reached \(2 of 2 turns\)/);
    expect((await store.getInstance('instance_1'))?.lastActivity).toMatch(/^paused: /);
    expect((await store.getInstance('instance_1'))?.metadata.usage).toMatchObject({ turns: 2 });
    expect((await cli(['send', '--run-dir', runDirectory, '--to', 'instance_1', 'while paused'])).status).toBe(0);
    // The paused instance has read the message and holds it (its debug log says so): not answered yet.
    const whilePaused = (await store.readMessages({ audience: { instance: 'instance_1' }, after: 0 })).find((message) => message.content === 'while paused');
    await waitFor('the paused instance to hold the message', () =>
      instanceLogEvents(runDirectory, 'instance_1').some((event) => event.event === 'held' && whilePaused !== undefined && event.inbox?.includes(whilePaused.seq)));
    expect(await humanInbox(store)).not.toContain('heard: while paused');
    expect((await cli(['send', '--run-dir', runDirectory, '--to', 'instance_1', 'resume'])).status).toBe(0);
    await waitFor('the held message answered after resuming', async () => (await humanInbox(store)).includes('heard: while paused'));
    const inbox = await humanInbox(store);
    expect(inbox).toContain('instance_1 resumed.');
    // Answered after the resume, never during the pause.
    expect(inbox.indexOf('heard: while paused')).toBeGreaterThan(inbox.indexOf('instance_1 resumed.'));
    expect(inbox).toContain('heard: first');
    expect(alive(run.pid)).toBe(true);
  }, 60_000);
});
