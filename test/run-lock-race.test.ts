import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPaths } from '../src/core/run-paths.js';
import { createWorkerPool } from './support/worker-processes.js';
import { lockTakerEventSchema } from './workers/worker-io.js';

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
});
