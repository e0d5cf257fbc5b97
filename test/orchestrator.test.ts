import { afterEach, describe, expect, it } from 'vitest';
import type { CollectiveStore } from '../src/store/index.js';
import { RunningCollective, alive, cli, handledIds, makeWorkspace, openRunStore, turnRecords, waitFor } from './support/collective-harness.js';

const LIVE = new Set(['idle', 'thinking', 'writing', 'tool', 'waiting']);
const ECHO_SCRIPT = {
  version: 1,
  onMessage: [{ match: { from: 'human' }, calls: [{ tool: 'answer', input: { to: 'human', inReplyTo: '{{id}}', answer: '{{self}} heard: {{content}}' } }] }],
};

interface Fixture {
  run: RunningCollective;
  store: CollectiveStore;
  runDirectory: string;
  workspace: string;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(script: unknown, config: Record<string, unknown> = {}, args: string[] = []): Promise<Fixture> {
  const { workspace, runDirectory, cleanup } = makeWorkspace(script, config);
  const run = new RunningCollective(workspace, runDirectory, ['--instances', '3', ...args]);
  await waitFor('the store file', async () => (await cli(['status', '--json', '--run-dir', runDirectory])).status === 0, 10_000);
  const store = openRunStore(runDirectory);
  cleanups.push(async () => {
    await store.close();
    if (alive(run.pid)) run.kill('SIGKILL');
    for (const record of await openAndList(runDirectory)) if (record.pid !== null && alive(record.pid)) process.kill(record.pid, 'SIGKILL');
    cleanup();
  });
  return { run, store, runDirectory, workspace };
}

async function openAndList(runDirectory: string): Promise<Array<{ pid: number | null }>> {
  const store = openRunStore(runDirectory);
  try {
    return await store.listInstances();
  } finally {
    await store.close();
  }
}

async function livePids(store: CollectiveStore): Promise<Map<string, number>> {
  const instances = await store.listInstances();
  return new Map(instances.flatMap((record) => (record.pid !== null && LIVE.has(record.status) ? [[record.id, record.pid] as const] : [])));
}

async function send(runDirectory: string, to: string, text: string): Promise<string> {
  const result = await cli(['send', '--json', '--run-dir', runDirectory, '--to', to, text]);
  expect(result.status, result.stderr).toBe(0);
  const parsed: unknown = JSON.parse(result.stdout);
  if (typeof parsed !== 'object' || parsed === null || !('id' in parsed) || typeof parsed.id !== 'string') throw new Error(`send printed ${result.stdout}`);
  return parsed.id;
}

describe('orchestrator with real instance processes', () => {
  it('starts 3 instances that each see the other two alive within 2 s', async () => {
    const started = Date.now();
    const { runDirectory, store } = await start(ECHO_SCRIPT, { idleCheckMs: 300 });
    const ids = ['instance_1', 'instance_2', 'instance_3'];
    await waitFor('every instance to record both peers alive', () =>
      ids.every((id) =>
        turnRecords(runDirectory, id).some((record) => record.peers.length === 2 && record.peers.every((peer) => LIVE.has(peer.status))),
      ), 5000);
    // The 2 s target is measured without load by `npm run bench:instances` (ready_s); here, beside other
    // test files, the bound only catches an instance that never sees its peers.
    expect(Date.now() - started).toBeLessThan(10_000);
    const registry = await store.listInstances();
    expect(registry.map((record) => record.id)).toEqual(ids);
    expect(new Set(registry.map((record) => record.pid)).size).toBe(3);
    for (const id of ids) {
      const seen = turnRecords(runDirectory, id).find((record) => record.peers.every((peer) => LIVE.has(peer.status)));
      expect(seen?.peers.map((peer) => peer.id).sort()).toEqual(ids.filter((other) => other !== id));
    }
  });

  it('delivers a direct message to exactly its instance and a broadcast to all; replies reach the human', async () => {
    const { runDirectory, store } = await start(ECHO_SCRIPT);
    await waitFor('3 live instances', async () => (await livePids(store)).size === 3);
    const direct = await send(runDirectory, 'instance_2', 'only for two');
    const everyone = await send(runDirectory, 'broadcast', 'for everyone');
    await waitFor('all handled', () =>
      handledIds(runDirectory, 'instance_2').includes(direct) &&
      ['instance_1', 'instance_2', 'instance_3'].every((id) => handledIds(runDirectory, id).includes(everyone)));
    expect(handledIds(runDirectory, 'instance_1')).not.toContain(direct);
    expect(handledIds(runDirectory, 'instance_3')).not.toContain(direct);
    const replies = await waitFor('4 replies', async () => {
      const answers = await store.readMessages({ audience: { human: true }, after: 0 });
      return answers.length >= 4 ? answers : undefined;
    });
    expect(replies.map((message) => message.content).sort()).toEqual([
      'instance_1 heard: for everyone', 'instance_2 heard: for everyone', 'instance_2 heard: only for two', 'instance_3 heard: for everyone',
    ]);
    const unknown = await cli(['send', '--run-dir', runDirectory, '--to', 'instance_9', 'hello']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown instance "instance_9"/);
  });

  it('restarts a kill -9ed instance within 2 s + backoff and it handles every message sent while it was down, once', async () => {
    const { runDirectory, store, run } = await start(ECHO_SCRIPT);
    const before = await waitFor('3 live instances', async () => ((await livePids(store)).size === 3 ? livePids(store) : undefined));
    const first = await send(runDirectory, 'instance_2', 'before the crash');
    await waitFor('first handled', () => handledIds(runDirectory, 'instance_2').includes(first));
    // …and checkpointed: the turn is recorded before the cursor moves (a crash in between re-handles the batch
    // rather than losing it), so the kill waits for the cursor to pass it.
    const firstSeq = (await store.readMessages({ audience: { instance: 'instance_2' }, after: 0 })).find((message) => message.id === first)?.seq ?? Infinity;
    await waitFor('first checkpointed', async () => (await store.getCursor('inbox:instance_2')) >= firstSeq);
    const oldPid = before.get('instance_2') ?? 0;
    const killedAt = Date.now();
    process.kill(oldPid, 'SIGKILL');
    const whileDown = [await send(runDirectory, 'instance_2', 'down 1'), await send(runDirectory, 'instance_2', 'down 2'), await send(runDirectory, 'instance_2', 'down 3')];
    const newPid = await waitFor('a new instance_2', async () => {
      const pid = (await livePids(store)).get('instance_2');
      return pid !== undefined && pid !== oldPid ? pid : undefined;
    }, 5000);
    // 2 s + the first backoff (250 ms) is the target without load; a loaded test machine gets slack.
    expect(Date.now() - killedAt).toBeLessThan(2000 + 250 + 5000);
    await waitFor('messages sent while down handled', () => whileDown.every((id) => handledIds(runDirectory, 'instance_2').includes(id)));
    const handled = handledIds(runDirectory, 'instance_2');
    for (const id of [first, ...whileDown]) expect(handled.filter((entry) => entry === id)).toHaveLength(1);
    expect(turnRecords(runDirectory, 'instance_2').filter((record) => record.inbox.some((message) => whileDown.includes(message.id))).every((record) => record.pid === newPid)).toBe(true);
    expect(run.events.map((event) => `${event.type}:${event.id ?? ''}`)).toContain('instance_restarting:instance_2');
  });

  it('survives kill -9 of the orchestrator: instances exit on their own, and run --resume loses nothing', async () => {
    const { runDirectory, store, run, workspace } = await start(ECHO_SCRIPT);
    const pids = await waitFor('3 live instances', async () => ((await livePids(store)).size === 3 ? livePids(store) : undefined));
    run.kill('SIGKILL');
    await run.exited;
    await waitFor('instances to exit after the orchestrator died', () => [...pids.values()].every((pid) => !alive(pid)), 5000);
    const sentWhileDown = [await send(runDirectory, 'instance_1', 'while nobody ran'), await send(runDirectory, 'broadcast', 'to all while down')];
    const resumed = new RunningCollective(workspace, runDirectory, ['--resume']);
    cleanups.push(async () => {
      if (alive(resumed.pid)) resumed.kill('SIGKILL');
      await Promise.resolve();
    });
    await waitFor('resumed instances handle what was sent while down', () =>
      handledIds(runDirectory, 'instance_1').includes(sentWhileDown[0] ?? '') &&
      ['instance_1', 'instance_2', 'instance_3'].every((id) => handledIds(runDirectory, id).includes(sentWhileDown[1] ?? '')), 10_000);
    for (const id of ['instance_1', 'instance_2', 'instance_3']) {
      const handled = handledIds(runDirectory, id);
      expect(new Set(handled).size, `${id} handled a message twice`).toBe(handled.length);
    }
    const newPids = await livePids(store);
    for (const [id, pid] of newPids) expect(pid).not.toBe(pids.get(id));
    expect(resumed.events.find((event) => event.type === 'run_started')).toMatchObject({ resumed: true });
  });

  it('stop leaves no process behind', async () => {
    const { runDirectory, store, run } = await start(ECHO_SCRIPT);
    const pids = await waitFor('3 live instances', async () => ((await livePids(store)).size === 3 ? livePids(store) : undefined));
    const stopped = await cli(['stop', '--run-dir', runDirectory]);
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(await run.exited).toBe(0);
    expect(alive(run.pid)).toBe(false);
    for (const pid of pids.values()) expect(alive(pid)).toBe(false);
    expect((await store.listInstances()).map((record) => record.status)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(run.events.at(-1)).toMatchObject({ type: 'run_stopped', state: 'stopped' });
  });

  it('gives up loudly on a crash loop instead of restarting forever', async () => {
    const { run } = await start({ version: 1 }, { brainOptions: { script: 'missing-script.json' }, maxRestarts: 2 });
    expect(await run.exited).toBe(1);
    const gaveUp = run.events.filter((event) => event.type === 'instance_gave_up');
    expect(gaveUp.map((event) => event.id).sort()).toEqual(['instance_1', 'instance_2', 'instance_3']);
    expect(run.events.filter((event) => event.type === 'instance_restarting' && event.id === 'instance_1')).toHaveLength(2);
  });
});
