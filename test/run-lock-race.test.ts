import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPaths } from '../src/core/run-paths.js';
import { createWorkerPool } from './support/worker-processes.js';
import { lockContenderEventSchema, lockTakerEventSchema } from './workers/worker-io.js';

const pool = createWorkerPool();
const folders: string[] = [];
afterEach(async () => {
  await pool.killAll();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** The pid of a process that has exited: what a kill -9'd orchestrator leaves in its pid file. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number.parseInt(child.stdout, 10);
}

describe('the run directory lock', () => {
  it('lets exactly one of many simultaneous starters take over a stale orchestrator.pid, round after round', async () => {
    const takers = 16;
    for (let round = 0; round < 3; round += 1) {
      const folder = mkdtempSync(join(tmpdir(), 'tachikoma-lock-'));
      folders.push(folder);
      const paths = runPaths(folder);
      writeFileSync(paths.orchestratorPidFile, `${deadPid()}\n`);
      const startAt = Date.now() + 1500;
      const workers = Array.from({ length: takers }, (_, index) =>
        pool.start('run-lock-taker', { pidFile: paths.orchestratorPidFile, lockFile: paths.orchestratorLockFile, startAt }, `taker ${round}.${index}`));
      const events = await Promise.all(workers.map((worker) => worker.nextLine(lockTakerEventSchema, 30_000)));
      const winners = events.filter((event) => event.event === 'acquired');
      expect(winners, `round ${round}`).toHaveLength(1);
      expect(Number.parseInt(readFileSync(paths.orchestratorPidFile, 'utf8'), 10)).toBe(winners[0]?.pid);
      await pool.killAll();
      // Its holder killed (-9), the lock is free again without any takeover.
      const next = pool.start('run-lock-taker', { pidFile: paths.orchestratorPidFile, lockFile: paths.orchestratorLockFile, startAt: 0 }, `taker ${round}.after`);
      expect((await next.nextLine(lockTakerEventSchema, 30_000)).event).toBe('acquired');
      await pool.killAll();
    }
  });

  it('lets exactly one of 8 contenders take a stale orchestrator.pid in each of 200 rounds tried at the same moment', async () => {
    // A check of the pid file followed by a takeover is a race between two starters that both find it stale; it
    // shows only now and then, so the same processes try again and again (a fresh process per try is too slow).
    const folder = mkdtempSync(join(tmpdir(), 'tachikoma-lock-'));
    folders.push(folder);
    const paths = runPaths(folder);
    const config = { pidFile: paths.orchestratorPidFile, lockFile: paths.orchestratorLockFile };
    const contenders = Array.from({ length: 8 }, (_, index) => pool.start('run-lock-contender', config, `contender ${index}`));
    const stale = deadPid();
    const doubleWins: string[] = [];
    for (let round = 0; round < 200; round += 1) {
      writeFileSync(paths.orchestratorPidFile, `${stale}\n`);
      // Far enough ahead that every contender has read the command and is spinning when the moment comes.
      const startAt = Date.now() + 40;
      for (const contender of contenders) contender.send({ command: 'try', startAt });
      const answers = await Promise.all(contenders.map((contender) => contender.nextLine(lockContenderEventSchema, 30_000)));
      const winners = answers.filter((answer) => answer.event === 'acquired');
      if (winners.length !== 1) doubleWins.push(`round ${round}: ${winners.length} acquired`);
      for (const contender of contenders) contender.send({ command: 'release' });
      await Promise.all(contenders.map((contender) => contender.nextLine(lockContenderEventSchema, 30_000)));
    }
    expect(doubleWins).toEqual([]);
  });
});
