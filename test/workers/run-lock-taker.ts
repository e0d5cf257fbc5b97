import { z } from 'zod';
import { acquireRunLock } from '../../src/orchestrator/run-lock.js';
import { emit, fail, readWorkerConfig, watchParent } from './worker-io.js';

/**
 * Tries once to take a run directory's orchestrator lock at `startAt` (wall clock, so many takers try at the same
 * moment), prints `acquired` or `refused`, and holds what it got until its stdin closes.
 */
const configSchema = z.strictObject({ pidFile: z.string(), lockFile: z.string(), startAt: z.number() });
const config = readWorkerConfig(configSchema);
watchParent();
while (Date.now() < config.startAt) {
  // Spin for the last stretch: a timer would spread the takers over a millisecond or more.
}
try {
  acquireRunLock(config.pidFile, config.lockFile);
  emit({ event: 'acquired', pid: process.pid });
} catch (error) {
  if (!(error instanceof Error) || !error.message.startsWith('a collective is already running')) fail(error);
  emit({ event: 'refused', pid: process.pid });
}
