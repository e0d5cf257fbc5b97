import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CollectiveStore } from '../src/store/index.js';
import { createPostgresStore } from '../src/store/postgres/create-postgres-store.js';
import { CLI, RunningCollective, alive, cli, makeWorkspace, waitFor } from './support/collective-harness.js';
import { dropSchema, testPostgresUrl, uniqueSchema } from './support/postgres-cluster.js';

const url = testPostgresUrl('the multi-host instance tests (tachikoma instance --store postgres://…)');

const LIVE = new Set(['idle', 'thinking', 'writing', 'tool', 'waiting']);

/** Instances of the orchestrator's host: a `status` message from the human naming a task → claim it and complete it. */
const LOCAL_SCRIPT = {
  version: 1,
  onMessage: [
    {
      match: { type: 'status', from: 'human' },
      calls: [
        { tool: 'claim_task', input: { taskId: '{{content}}' } },
        { tool: 'complete_task', input: { taskId: '{{content}}', result: 'done by {{self}}', evidence: ['{{id}}'] } },
      ],
    },
  ],
};

/** The instance joining from "host B": claims a task it is told about and holds it; answers questions. */
const REMOTE_SCRIPT = {
  version: 1,
  onMessage: [
    { match: { type: 'status', from: 'human' }, calls: [{ tool: 'claim_task', input: { taskId: '{{content}}' } }] },
    { match: { type: 'question', from: 'human' }, calls: [{ tool: 'answer', input: { to: 'human', inReplyTo: '{{id}}', answer: '{{self}} heard: {{content}}' } }] },
  ],
};

const statusSchema = z.looseObject({
  store: z.string(),
  instances: z.array(z.looseObject({ id: z.string(), status: z.string(), pid: z.number().nullable(), host: z.string() })),
});

/** A `tachikoma instance` started by hand, as on another machine: no IPC channel, its own run directory. */
class StandaloneInstance {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';

  constructor(id: string, storeSpec: string, runDirectory: string, workspace: string) {
    this.child = spawn(
      process.execPath,
      [
        CLI, 'instance', '--store', storeSpec, '--id', id, '--role', 'explorer', '--run-dir', runDirectory, '--workspace', workspace,
        '--brain', 'scripted', '--brain-options', JSON.stringify({ inline: REMOTE_SCRIPT }), '--heartbeat-ms', '250', '--lease-ms', '4000',
        '--idle-check-ms', '60000',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the instance did not start');
    return this.child.pid;
  }
}

if (url === undefined) {
  describe.skip('a standalone instance joins a collective on PostgreSQL (TACHIKOMA_TEST_PG_URL is not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  const server = url;
  describe('a standalone instance joins a collective on PostgreSQL', () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('is seen by the orchestrator, gets messages, and its tasks survive kill -9; it stops cleanly by signal or message', { timeout: 90_000 }, async () => {
      const schema = uniqueSchema('tk_multihost');
      const spec = `${server}${server.includes('?') ? '&' : '?'}schema=${schema}`;
      cleanups.push(() => dropSchema(server, schema));
      // Host A: the orchestrator and its two instances. Host B: a separate folder with its own run directory.
      const hostA = makeWorkspace(LOCAL_SCRIPT, { heartbeatMs: 250, staleMs: 2500, leaseMs: 3000, idleCheckMs: 60_000 });
      cleanups.push(hostA.cleanup);
      const hostB = mkdtempSync(join(tmpdir(), 'tachikoma-host-b-'));
      // Removed only after every process that writes into it is gone (below); retries cover a log still being closed.
      cleanups.push(() => rmSync(hostB, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 }));
      const runDirB = join(hostB, '.tachikoma');
      const store: CollectiveStore = createPostgresStore(server, { schema, pollIntervalMs: 200 });
      cleanups.push(() => store.close());

      const run = new RunningCollective(hostA.workspace, hostA.runDirectory, ['--instances', '2', '--store', spec]);
      const standalone: StandaloneInstance[] = [];
      cleanups.push(async () => {
        // Every process that writes into the run folders is killed and waited for before the folders are removed:
        // the joined instances, the orchestrator, and the instances it started (they outlive it by a moment).
        for (const instance of standalone) if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGKILL');
        await Promise.all(standalone.map((instance) => instance.exited));
        const pids = (await store.listInstances().catch(() => [])).flatMap((record) => (record.pid === null ? [] : [record.pid]));
        if (alive(run.pid)) run.kill('SIGKILL');
        await run.exited;
        for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
        await waitFor('every instance process to be gone', () => pids.every((pid) => !alive(pid)), 10_000);
      });
      const join9 = (id: string): StandaloneInstance => {
        const instance = new StandaloneInstance(id, spec, runDirB, hostB);
        standalone.push(instance);
        return instance;
      };
      const statusOf = async (id: string): Promise<string | undefined> => (await store.getInstance(id))?.status;
      const waitLive = (id: string): Promise<true> => waitFor(`${id} to be live`, async () => LIVE.has((await statusOf(id)) ?? '') || undefined, 20_000);
      const send = async (to: string, type: string, text: string): Promise<void> => {
        // From "host B": no run.json there, the store named by --store.
        const sent = await cli(['send', '--json', '--run-dir', runDirB, '--store', spec, '--to', to, '--type', type, text]);
        expect(sent.status, sent.stderr).toBe(0);
      };

      await waitLive('instance_1');
      await waitLive('instance_2');
      const remote = join9('instance_9');
      await waitLive('instance_9');
      expect(remote.stderr).toContain('instance_9 (explorer) joining the collective');

      // The orchestrator's run directory (its run.json names the store) and host B's --store see the same registry.
      const statusA = statusSchema.parse(JSON.parse((await cli(['status', '--json', '--run-dir', hostA.runDirectory])).stdout));
      const seenByA = statusA.instances.find((record) => record.id === 'instance_9');
      expect(seenByA).toMatchObject({ pid: remote.pid, host: hostname() });
      expect(LIVE.has(seenByA?.status ?? '')).toBe(true);
      const statusB = await cli(['status', '--json', '--run-dir', runDirB, '--store', spec]);
      expect(statusB.status, statusB.stderr).toBe(0);
      expect(statusSchema.parse(JSON.parse(statusB.stdout)).instances.map((record) => record.id)).toEqual(['instance_1', 'instance_2', 'instance_9']);
      await waitFor("instance_9 in the orchestrator's registry view", () => {
        const path = join(hostA.runDirectory, '.instance_registry.json');
        return existsSync(path) && readFileSync(path, 'utf8').includes('"instance_9"');
      });

      // The dashboard on host A shows it too (it reads the same store).
      const dashboardUrl = await waitFor('the dashboard URL', () => {
        const event = run.events.find((candidate) => candidate.type === 'dashboard');
        return typeof event?.url === 'string' ? event.url : undefined;
      });
      const dashboardState = async (): Promise<Record<string, { status: string; host: string }>> =>
        ((await (await fetch(`${dashboardUrl}api/state`)).json()) as { view: { instances: Record<string, { status: string; host: string }> } }).view.instances;
      await waitFor('instance_9 on the dashboard', async () => LIVE.has((await dashboardState()).instance_9?.status ?? ''));

      // A message from the human reaches it.
      await send('instance_9', 'question', 'ping from host B');
      await waitFor('the answer of instance_9', async () => {
        const answers = await store.readMessages({ audience: { human: true }, after: 0 });
        return answers.some((message) => message.from === 'instance_9' && message.content === 'instance_9 heard: ping from host B');
      });

      // It claims tasks; one local task is done by host A.
      for (const id of ['t_remote_1', 't_remote_2', 't_local']) await store.createTask({ id, title: id, createdBy: 'human' });
      await send('instance_9', 'status', 't_remote_1');
      await send('instance_9', 'status', 't_remote_2');
      await send('instance_1', 'status', 't_local');
      // Its claims, from the history: on a loaded machine a 4 s lease can run out before a look at the board.
      await waitFor('instance_9 to claim both remote tasks', async () => {
        const claims = (await store.readHistory({ after: 0, kinds: ['task'] })).filter((event) => event.action === 'claimed');
        const claimedBy9 = new Set(claims.filter((event) => (event.data as { owner?: unknown } | null)?.owner === 'instance_9').map((event) => event.entityId));
        return claimedBy9.has('t_remote_1') && claimedBy9.has('t_remote_2');
      }, 30_000);
      await waitFor('t_local done', async () => (await store.getTask('t_local'))?.state === 'done');

      // kill -9 of the remote instance: recorded as crashed, never restarted; its tasks come back and are done by others.
      remote.child.kill('SIGKILL');
      expect(await remote.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await waitFor('instance_9 recorded as crashed', async () => (await statusOf('instance_9')) === 'crashed', 15_000);
      await waitFor('instance_9 crashed on the dashboard', async () => (await dashboardState()).instance_9?.status === 'crashed');
      expect(run.events.filter((event) => event.type === 'instance_lost').map((event) => event.id)).toEqual(['instance_9']);
      await waitFor('both remote tasks re-offered', async () => {
        const tasks = await Promise.all(['t_remote_1', 't_remote_2'].map((id) => store.getTask(id)));
        return tasks.every((task) => task?.state === 'open');
      }, 15_000);
      await send('instance_1', 'status', 't_remote_1');
      await send('instance_2', 'status', 't_remote_2');
      await waitFor('the re-offered tasks done', async () => (await store.listTasks({ state: 'done' })).length === 3);

      const tasks = await store.listTasks();
      expect(Object.fromEntries(tasks.map((task) => [task.id, `${task.state} by ${String(task.owner)}`]))).toEqual({
        t_remote_1: 'done by instance_1',
        t_remote_2: 'done by instance_2',
        t_local: 'done by instance_1',
      });
      const history = await store.readHistory({ after: 0, kinds: ['task'] });
      const actions = (id: string): string[] => history.filter((event) => event.entityId === id).map((event) => event.action);
      expect(actions('t_remote_1')).toEqual(['created', 'claimed', 'lease_expired', 'claimed', 'completed']);
      expect(actions('t_remote_2')).toEqual(['created', 'claimed', 'lease_expired', 'claimed', 'completed']);
      expect(actions('t_local')).toEqual(['created', 'claimed', 'completed']);
      const orchestratorTouched = run.events.filter((event) => event.id === 'instance_9' && event.type !== 'instance_lost');
      expect(orchestratorTouched, 'the orchestrator never started, restarted or killed instance_9').toEqual([]);
      expect(existsSync(join(runDirB, 'logs', 'instance_9.log')), "the remote instance's log is in its own run directory").toBe(true);
      expect(existsSync(join(hostA.runDirectory, 'logs', 'instance_9.log'))).toBe(false);

      // Frozen past the stale limit (as if cut off), it is recorded as crashed; thawed, it says it is alive again.
      const byMessage = join9('instance_8');
      await waitLive('instance_8');
      byMessage.child.kill('SIGSTOP');
      await waitFor('instance_8 recorded as crashed', async () => (await statusOf('instance_8')) === 'crashed', 15_000);
      byMessage.child.kill('SIGCONT');
      await waitLive('instance_8');
      expect(run.events.filter((event) => event.id === 'instance_8').map((event) => event.type)).toEqual(['instance_lost']);

      // Standalone instances stop cleanly: on a control message, and on SIGTERM.
      await send('instance_8', 'control', 'stop');
      expect(await byMessage.exited).toEqual({ code: 0, signal: null });
      expect(await statusOf('instance_8')).toBe('stopped');

      // `tachikoma stop` from host B stops the orchestrator on host A and the instances joined by hand (through the store).
      const joined = join9('instance_6');
      await waitLive('instance_6');
      const stopped = await cli(['stop', '--run-dir', runDirB, '--store', spec]);
      expect(stopped.status, stopped.stderr).toBe(0);
      expect(await run.exited).toBe(0);
      expect(await joined.exited).toEqual({ code: 0, signal: null });
      expect(await statusOf('instance_6')).toBe('stopped');

      // An instance joining later is not stopped by that old broadcast; SIGTERM stops it.
      const late = join9('instance_7');
      await waitLive('instance_7');
      // Its answer to a question sent after it joined means it has read its inbox past that stop.
      await send('instance_7', 'question', 'still there?');
      await waitFor('instance_7 to answer', async () =>
        (await store.readMessages({ audience: { human: true }, after: 0 })).some((message) => message.from === 'instance_7' && message.content === 'instance_7 heard: still there?') || undefined, 20_000);
      expect(late.child.exitCode, 'the earlier broadcast stop is not meant for a new joiner').toBeNull();
      late.child.kill('SIGTERM');
      expect(await late.exited).toEqual({ code: 0, signal: null });
      expect(await statusOf('instance_7')).toBe('stopped');
    });
  });
}
