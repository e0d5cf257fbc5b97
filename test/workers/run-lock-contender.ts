import { z } from 'zod';
import { parseJsonRecord } from '../../src/protocol/index.js';
import { acquireRunLock } from '../../src/orchestrator/run-lock.js';
import { emit, fail, lockContenderCommandSchema, readWorkerConfig, watchParent } from './worker-io.js';

/**
 * Contends for a run directory's orchestrator lock round after round in one process: `try` spins until its
 * `startAt` (so every contender tries at the same moment) and answers `acquired` or `refused`; `release` lets a
 * held lock go. One process per contender for many rounds makes the rounds cheap enough to run by the hundred,
 * which a race between a check and a takeover needs before it shows.
 */
const config = readWorkerConfig(z.strictObject({ pidFile: z.string(), lockFile: z.string() }));
let release: (() => void) | null = null;

function tryAt(startAt: number): void {
  while (Date.now() < startAt) {
    // Spin for the last stretch: a timer would spread the contenders over a millisecond or more.
  }
  try {
    release = acquireRunLock(config.pidFile, config.lockFile);
    emit({ event: 'acquired', pid: process.pid });
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('a collective is already running')) fail(error);
    emit({ event: 'refused', pid: process.pid });
  }
}

watchParent((line) => {
  const command = parseJsonRecord(lockContenderCommandSchema, line, 'contender command');
  if (command.command === 'try') {
    tryAt(command.startAt);
  } else {
    release?.();
    release = null;
    emit({ event: 'released', pid: process.pid });
  }
});
