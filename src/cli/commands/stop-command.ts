import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../../orchestrator/run-lock.js';
import { openExistingRun } from '../run-directory.js';
import { readPidFile } from '../../orchestrator/run-lock.js';

export interface StopFlags {
  runDir?: string;
  /** The store to read, when this host has no run directory for it (e.g. postgres://… from another host). */
  store?: string;
  timeout?: string;
  json?: boolean;
}

/**
 * `tachikoma stop`: asks the collective to stop (a broadcast control message the orchestrator and every
 * instance act on), waits for the orchestrator to exit, and sends it SIGTERM if it has not by the timeout.
 */
export async function stopCommand(flags: StopFlags): Promise<number> {
  const { store, paths } = await openExistingRun(flags.runDir, flags.store);
  const timeoutMs = Math.round(Number(flags.timeout ?? '30') * 1000);
  let message;
  try {
    message = await store.publish({ from: 'human', to: 'broadcast', type: 'control', content: 'stop', metadata: { command: 'stop' } });
  } finally {
    await store.close();
  }
  const pid = readPidFile(paths.orchestratorPidFile);
  let outcome = `no orchestrator runs here for ${paths.root}; instances (on any host) and an orchestrator following this store stop on the message`;
  if (pid !== null && processAlive(pid)) {
    const deadline = Date.now() + timeoutMs;
    while (processAlive(pid) && Date.now() < deadline) await sleep(100);
    if (processAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      outcome = `orchestrator ${pid} did not stop in ${timeoutMs / 1000} s; sent it SIGTERM`;
    } else {
      outcome = `stopped (orchestrator ${pid} exited)`;
    }
  }
  process.stdout.write(flags.json === true ? `${JSON.stringify({ message: message.id, outcome })}\n` : `${outcome}\n`);
  return 0;
}
