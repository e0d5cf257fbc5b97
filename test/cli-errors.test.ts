import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, RunningCollective, alive, cli, killCollective, makeWorkspace, waitFor, withStore } from './support/collective-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tachikoma-errors-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  return folder;
}

/** A failure printed as exactly one `tachikoma: …` line, no stack. */
function expectOneLine(result: { status: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.status, result.stderr).toBe(1);
  expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

/**
 * A read-only folder even for root (file modes do not stop root): a tmpfs remounted read-only. Null where
 * mounting is not allowed.
 */
function readOnlyMount(prepare: (folder: string) => void): string | null {
  const folder = scratch();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', folder], { stdio: 'ignore' });
  } catch {
    return null;
  }
  cleanups.push(() => {
    execFileSync('umount', ['-l', folder], { stdio: 'ignore' });
  });
  prepare(folder);
  execFileSync('mount', ['-o', 'remount,ro', folder], { stdio: 'ignore' });
  return folder;
}

async function stoppedRun(): Promise<{ workspace: string; runDirectory: string }> {
  const { workspace, runDirectory, cleanup } = makeWorkspace({ version: 1 });
  cleanups.push(cleanup);
  const run = new RunningCollective(workspace, runDirectory, ['--instances', '1', '--no-dashboard']);
  cleanups.push(() => killCollective(run, runDirectory));
  await waitFor('the store', async () => (await cli(['status', '--json', '--run-dir', runDirectory])).status === 0, 20_000);
  expect((await cli(['stop', '--run-dir', runDirectory])).status).toBe(0);
  await run.exited;
  return { workspace, runDirectory };
}

const READ_AND_SEND = [['status'], ['export'], ['tasks'], ['send', '--to', 'broadcast', 'hello']];

describe('errors are one line, never a stack trace', () => {
  it('a corrupt collective.db on status, export, tasks and send', async () => {
    const runDirectory = scratch();
    writeFileSync(join(runDirectory, 'collective.db'), Buffer.alloc(8192, 0x5a));
    for (const command of READ_AND_SEND) {
      expectOneLine(await cli([...command, '--run-dir', runDirectory]), /^tachikoma: the store at \S+ is not a readable database/);
    }
  });

  it('a read-only collective.db on status, export, tasks and send; a read-only folder for a new run', async (context) => {
    const { runDirectory } = await stoppedRun();
    const mounted = readOnlyMount((folder) => execFileSync('cp', ['-r', runDirectory, join(folder, 'run')]));
    if (mounted === null) return context.skip('cannot mount a read-only file system here');
    for (const command of READ_AND_SEND) {
      expectOneLine(await cli([...command, '--run-dir', join(mounted, 'run')]), /^tachikoma: cannot open the store at \S+ \(.+\): the store needs its file and its folder writable/);
    }
    const fresh = await cli(['run', '--workspace', mounted, '--run-dir', join(mounted, 'new-run'), '--no-dashboard']);
    expectOneLine(fresh, /^tachikoma: cannot write the run folder \S+new-run: \S+ is not writable \(EROFS/);
  });

  it('a missing --config file', async () => {
    const workspace = scratch();
    expectOneLine(await cli(['run', '--workspace', workspace, '--config', join(workspace, 'nope.json'), '--no-dashboard']), /^tachikoma: config file \S+nope\.json does not exist$/m);
  });

  it('`run | head -1`: the closed pipe does not end the orchestrator, which goes on supervising and stops cleanly', async () => {
    const { workspace, runDirectory, cleanup } = makeWorkspace({ version: 1 });
    cleanups.push(cleanup);
    const child = spawn(process.execPath, [CLI, 'run', '--workspace', workspace, '--run-dir', runDirectory, '--instances', '1', '--no-dashboard'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like `head -1`: read the first line, then close the reading end.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const firstPid = await waitFor('the instance', () => withStore(runDirectory, async (store) => (await store.listInstances())[0]?.pid ?? undefined), 20_000);
    process.kill(firstPid, 'SIGKILL');
    // The orchestrator writes an event for the crash (into the closed pipe) and restarts the instance.
    await waitFor('the restarted instance', () => withStore(runDirectory, async (store) => {
      const record = (await store.listInstances())[0];
      return record !== undefined && record.pid !== null && record.pid !== firstPid && alive(record.pid) && record.status !== 'starting';
    }), 20_000);
    expect(child.exitCode).toBeNull();
    expect((await cli(['stop', '--run-dir', runDirectory])).status).toBe(0);
    expect(await exited, stderr).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(readFileSync(join(runDirectory, 'run.json'), 'utf8'))).toMatchObject({ state: 'stopped' });
  });
});

describe('configuration checks', () => {
  it.each([
    [{ heartbeatMs: 1000, staleMs: 1500 }, /staleMs \(1500\) must be at least twice heartbeatMs \(1000\)/],
    [{ instances: 2, perInstance: { instance_5: { role: 'builder' } } }, /perInstance names instance_5, but this run has instance_1, instance_2/],
  ])('refuses %j in one line before starting anything', async (config, pattern) => {
    const workspace = scratch();
    writeFileSync(join(workspace, 'tachikoma.config.json'), JSON.stringify(config));
    const result = await cli(['run', '--workspace', workspace, '--no-dashboard']);
    expectOneLine(result, pattern);
    expect(() => readFileSync(join(workspace, '.tachikoma', 'run.json'))).toThrow();
  });

  it('reads a config file that starts with a UTF-8 byte order mark', async () => {
    const workspace = scratch();
    mkdirSync(join(workspace, 'src'));
    writeFileSync(join(workspace, 'tachikoma.config.json'), `\uFEFF${JSON.stringify({ instances: 1, brain: 'scripted', heartbeatMs: 250, staleMs: 5000 })}`);
    const result = await cli(['run', '--workspace', workspace, '--timeout', '2', '--no-dashboard', '--json']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('"type":"run_started"');
    expect(JSON.parse(readFileSync(join(workspace, '.tachikoma', 'run.json'), 'utf8'))).toMatchObject({ instances: [{ id: 'instance_1', brain: 'scripted' }] });
  });

  it('a run in which an instance gave up is not "done", even when the others finished', async () => {
    const { workspace, runDirectory, cleanup } = makeWorkspace({ version: 1 }, { maxRestarts: 0 });
    cleanups.push(cleanup);
    const run = new RunningCollective(workspace, runDirectory, ['--instances', '2', '--no-dashboard']);
    cleanups.push(() => killCollective(run, runDirectory));
    const pids = await waitFor('both instances', () => withStore(runDirectory, async (store) => {
      const records = await store.listInstances();
      return records.length === 2 && records.every((record) => record.pid !== null && record.status !== 'starting') ? records.map((record) => record.pid ?? 0) : undefined;
    }), 20_000);
    expect((await cli(['send', '--run-dir', runDirectory, '--to', 'instance_1', '--type', 'control', 'stop'])).status).toBe(0);
    await waitFor('instance_1 to finish', () => run.events.some((event) => event.type === 'instance_exited' && event.id === 'instance_1'), 20_000);
    process.kill(pids[1] ?? 0, 'SIGKILL');
    expect(await run.exited).toBe(1);
    expect(run.events.some((event) => event.type === 'instance_gave_up' && event.id === 'instance_2')).toBe(true);
    expect(run.events.at(-1)).toMatchObject({ type: 'run_stopped', state: 'crashed' });
    expect(JSON.parse(readFileSync(join(runDirectory, 'run.json'), 'utf8'))).toMatchObject({ state: 'crashed' });
  });
});

describe('send takes long text from standard input or a file', () => {
  it('stores a 60,000-character question given with - and with --file, unchanged', async () => {
    const { runDirectory } = await stoppedRun();
    const long = `${'why does the lease clock drift? '.repeat(1875)}`.slice(0, 60_000);
    const viaStdin = spawn(process.execPath, [CLI, 'send', '--json', '--run-dir', runDirectory, '--to', 'broadcast', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let printed = '';
    viaStdin.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    viaStdin.stdin.end(long);
    expect(await new Promise((resolve) => viaStdin.once('exit', resolve))).toBe(0);
    const file = join(scratch(), 'question.txt');
    writeFileSync(file, `${long}\n`);
    expect((await cli(['send', '--run-dir', runDirectory, '--to', 'broadcast', '--file', file])).status).toBe(0);
    expectOneLine(await cli(['send', '--run-dir', runDirectory, '--to', 'broadcast', '--file', file, 'and text']), /^tachikoma: give the message either as text or with --file, not both$/m);
    const contents = await withStore(runDirectory, async (store) => (await store.readMessages({ audience: { all: true }, after: 0 })).filter((message) => message.from === 'human' && message.type === 'question').map((message) => message.content));
    expect(contents).toEqual([long.trim(), long.trim()]);
    expect(printed).toContain('"from":"human"');
  });
});
