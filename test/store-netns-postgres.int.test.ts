import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectiveStore } from '../src/store/index.js';
import { createPostgresStore } from '../src/store/postgres/create-postgres-store.js';
import { CLI, waitFor } from './support/collective-harness.js';
import { type NetworkNamespace, createNetworkNamespace, networkNamespaceUnavailable } from './support/network-namespace.js';
import { testPostgresUrl } from './support/postgres-cluster.js';
import { type PrivateCluster, postgresBinDirectory, startPrivateCluster } from './support/private-cluster.js';
import { WORKERS_DIR, createWorkerPool, expectCleanExit } from './support/worker-processes.js';
import { claimerReportSchema } from './workers/worker-io.js';

/**
 * One host cut off from the collective's PostgreSQL server. A network namespace plays the other machine: it
 * reaches a private cluster (started here, listening on the host end of a veth pair) over that link. In it run
 * a real `tachikoma instance` that claims two tasks and holds them, and a task claimer that works slowly. The
 * link goes down mid-work; after the leases expire the tasks held over there are re-offered and claimers on the
 * host finish the board: every task done exactly once, checked against the history. Like every PostgreSQL test
 * it runs only when TACHIKOMA_TEST_PG_URL is set (PostgreSQL is installed then), though its server is its own.
 */
const why = ((): string | null => {
  if (testPostgresUrl('the network-namespace PostgreSQL test') === undefined) return 'TACHIKOMA_TEST_PG_URL is not set';
  const netns = networkNamespaceUnavailable();
  if (netns !== null) return netns;
  return postgresBinDirectory() === null ? 'no PostgreSQL server binaries under /usr/lib/postgresql' : null;
})();
if (why !== null) {
  console.warn(`\n*** SKIPPED the network-namespace PostgreSQL test: ${why}. It needs root, iproute2 (ip netns) and PostgreSQL installed. ***\n`);
}

const TASKS = 30;
const INSTANCE_LEASE_MS = 8_000;
const CLAIMER_LEASE_MS = 2_000;

const HOLDING_SCRIPT = {
  version: 1,
  turns: [{ calls: [{ tool: 'claim_task', input: {} }, { tool: 'claim_task', input: {} }], summary: 'holding two tasks' }],
};

describe.skipIf(why !== null)('a host cut off from the PostgreSQL server (network namespace + veth)', () => {
  let space: NetworkNamespace | undefined;
  let cluster: PrivateCluster | undefined;
  let store: CollectiveStore | undefined;
  let folder = '';
  const remote: ChildProcess[] = [];
  const pool = createWorkerPool();

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'tachikoma-netns-'));
    space = createNetworkNamespace();
    cluster = await startPrivateCluster(postgresBinDirectory() ?? '', ['127.0.0.1', space.hostAddress], [space.subnet]);
    store = createPostgresStore(cluster.url('127.0.0.1'), { schema: 'tk_netns', pollIntervalMs: 200 });
  }, 60_000);

  afterAll(async () => {
    for (const child of remote) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const running = remote.filter((child) => child.exitCode === null && child.signalCode === null);
    await Promise.all(running.map((child) => new Promise((done) => child.once('exit', done))));
    await pool.killAll();
    await store?.close();
    cluster?.stop();
    space?.remove();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Starts a process inside the namespace; its stderr is kept for failure messages. */
  const startRemote = (command: readonly string[]): { child: ChildProcess; stderr: () => string } => {
    if (space === undefined) throw new Error('no namespace');
    const [program, ...args] = space.exec(command);
    const child = spawn(program ?? 'ip', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin?.on('error', () => undefined);
    remote.push(child);
    return { child, stderr: () => stderr };
  };

  it('re-offers the tasks it held once their leases expire; the host completes every task exactly once', { timeout: 60_000 }, async () => {
    if (space === undefined || cluster === undefined || store === undefined) throw new Error('setup failed');
    const board = store;
    const remoteSpec = `${cluster.url(space.hostAddress)}?schema=tk_netns`;
    const hostSpec = `${cluster.url('127.0.0.1')}?schema=tk_netns`;
    for (const id of ['instance_remote', 'claimer_remote', 'claimer_host_1', 'claimer_host_2']) await board.register({ id, role: 'explorer' });
    for (let n = 0; n < TASKS; n += 1) await board.createTask({ id: `task_${String(n).padStart(2, '0')}`, title: `task ${n}`, createdBy: 'human' });

    // Over there: an instance that claims two tasks and holds them, then a claimer that works 300 ms per task.
    const instance = startRemote([
      process.execPath, CLI, 'instance', '--store', remoteSpec, '--id', 'instance_remote', '--role', 'explorer', '--run-dir', join(folder, 'remote-run'),
      '--workspace', folder, '--brain', 'scripted', '--brain-options', JSON.stringify({ inline: HOLDING_SCRIPT }), '--lease-ms', String(INSTANCE_LEASE_MS),
      '--heartbeat-ms', '250',
    ]);
    await waitFor('the remote instance to hold two tasks', async () => (await board.listTasks({ owner: 'instance_remote', state: 'claimed' })).length === 2 || undefined, 20_000)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}; instance stderr: ${instance.stderr()}`);
      });
    const claimer = startRemote([
      process.execPath, resolve(WORKERS_DIR, 'task-claimer.js'),
      JSON.stringify({ store: remoteSpec, instanceId: 'claimer_remote', leaseMs: CLAIMER_LEASE_MS, workMs: 300 }),
    ]);
    await waitFor('the remote claimer to complete 3 tasks', async () => (await board.listTasks({ owner: 'claimer_remote', state: 'done' })).length >= 3 || undefined, 20_000)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}; claimer stderr: ${claimer.stderr()}`);
      });

    space.cut();
    const cutAt = Date.now();
    // Nothing reaches the server from over there any more (a transaction left open is ended by the server).
    await sleep(300);
    const heldAtCut = (await board.listTasks({ state: 'claimed' })).map((task) => ({ id: task.id, owner: task.owner, expires: Date.parse(task.leaseExpiresAt ?? '') }));
    const doneRemotely = (await board.listTasks({ state: 'done' })).map((task) => task.id);
    expect(heldAtCut.filter((task) => task.owner === 'instance_remote')).toHaveLength(2);
    expect(heldAtCut.every((task) => task.owner === 'instance_remote' || task.owner === 'claimer_remote')).toBe(true);
    expect(instance.child.exitCode, 'the cut-off instance is still running').toBeNull();

    // The orchestrator's sweep, once every lease held over there has expired.
    const lastExpiry = Math.max(...heldAtCut.map((task) => task.expires));
    await sleep(Math.max(0, lastExpiry - Date.now()) + 100);
    const reoffered = await board.reofferExpired();
    expect(reoffered.map((task) => task.id).sort()).toEqual(heldAtCut.map((task) => task.id).sort());

    // The host side finishes the board.
    const hostClaimers = ['claimer_host_1', 'claimer_host_2'].map((instanceId) =>
      pool.start('task-claimer', { store: hostSpec, instanceId, leaseMs: 30_000 }, instanceId),
    );
    const reports = await Promise.all(hostClaimers.map((worker) => worker.nextLine(claimerReportSchema, 30_000)));
    await Promise.all(hostClaimers.map(expectCleanExit));
    const doneOnHost = reports.flatMap((report) => report.completed);

    const tasks = await board.listTasks();
    expect(tasks.filter((task) => task.state !== 'done').map((task) => task.id), 'nothing lost').toEqual([]);
    expect([...doneRemotely, ...doneOnHost].sort()).toEqual(tasks.map((task) => task.id).sort());
    for (const held of heldAtCut) expect(doneOnHost, `${held.id}, held by ${String(held.owner)} at the cut`).toContain(held.id);
    const history = await board.readHistory({ after: 0, kinds: ['task'], limit: 10_000 });
    const completions = new Map<string, number>();
    for (const event of history) if (event.action === 'completed') completions.set(event.entityId, (completions.get(event.entityId) ?? 0) + 1);
    expect(completions.size).toBe(TASKS);
    expect([...completions].filter(([, count]) => count !== 1), 'nothing completed twice').toEqual([]);
    for (const held of heldAtCut) {
      const actions = history.filter((event) => event.entityId === held.id).map((event) => event.action);
      expect(actions.slice(-3), held.id).toEqual(['lease_expired', 'claimed', 'completed']);
    }
    expect(Date.now() - cutAt).toBeLessThan(40_000);
  });
});
