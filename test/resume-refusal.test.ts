import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunningCollective, cli, killCollective, makeWorkspace, waitFor } from './support/collective-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A stopped run of one scripted instance whose messages view holds a message from the human. */
async function stoppedRun(): Promise<{ workspace: string; runDirectory: string }> {
  const { workspace, runDirectory, cleanup } = makeWorkspace({ version: 1 });
  const run = new RunningCollective(workspace, runDirectory, ['--instances', '1', '--no-dashboard']);
  cleanups.push(async () => {
    await killCollective(run, runDirectory);
    cleanup();
  });
  await waitFor('the store', async () => (await cli(['status', '--json', '--run-dir', runDirectory])).status === 0, 20_000);
  expect((await cli(['send', '--run-dir', runDirectory, '--to', 'broadcast', 'keep me'])).status).toBe(0);
  const view = join(runDirectory, '.shared_messages.json');
  await waitFor('the messages view', () => existsSync(view) && readFileSync(view, 'utf8').includes('keep me'), 20_000);
  expect((await cli(['stop', '--run-dir', runDirectory])).status).toBe(0);
  await run.exited;
  return { workspace, runDirectory };
}

describe('run --resume of a run whose store is gone', () => {
  it.each([
    ['missing', (file: string) => rmSync(file)],
    ['empty', (file: string) => writeFileSync(file, '')],
  ])('refuses with one line when collective.db is %s, and leaves the JSON views as they were', async (_how, damage) => {
    const { workspace, runDirectory } = await stoppedRun();
    const store = join(runDirectory, 'collective.db');
    for (const side of ['-wal', '-shm']) rmSync(`${store}${side}`, { force: true });
    damage(store);
    const views = ['.shared_messages.json', '.shared_memory.json', '.instance_registry.json'].map((name) => readFileSync(join(runDirectory, name), 'utf8'));
    const resumed = await cli(['run', '--resume', '--workspace', workspace, '--run-dir', runDirectory, '--no-dashboard']);
    expect(resumed.status).not.toBe(0);
    expect(resumed.stderr.trim().split('\n')).toHaveLength(1);
    expect(resumed.stderr).toMatch(/^tachikoma: cannot resume: the run's store \S+collective\.db is (missing|empty)/);
    expect(['.shared_messages.json', '.shared_memory.json', '.instance_registry.json'].map((name) => readFileSync(join(runDirectory, name), 'utf8'))).toEqual(views);
    expect(existsSync(store) ? readFileSync(store).length : -1).toBe(_how === 'missing' ? -1 : 0);
  });
});
