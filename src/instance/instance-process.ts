import { createBrain } from '../brain/registry.js';
import type { InstanceLaunch } from './instance-launch.js';
import { openStore } from '../store/index.js';
import { traceBrain } from './trace-brain.js';
import { traceStore } from './trace-store.js';
import { createFileLogger } from './instance-logger.js';
import { runPaths } from '../core/run-paths.js';
import { runInstance } from './run-instance.js';
import { defaultWakePolicy } from './wake-policy.js';

/** What an instance process runs with: its launch record. */
export type InstanceProcessOptions = InstanceLaunch;

/** How often an idle instance looks for messages when no wake-up came (a safety net, not the delivery path). */
const FALLBACK_POLL_MS = 5000;

/**
 * Runs one instance as the body of its own OS process: opens the store, builds the brain, and stops
 * gracefully on SIGTERM/SIGINT, on a stop message, or when the orchestrator's IPC channel closes (so an
 * instance never outlives a killed orchestrator). Started by hand (no IPC channel), it is a standalone
 * instance that joins the collective in the store — on this host or, with a PostgreSQL store, another one;
 * its log and state file go to its own run directory. Resolves with the exit code.
 */
export async function runInstanceProcess(options: InstanceProcessOptions): Promise<number> {
  const paths = runPaths(options.runDirectory);
  const logger = createFileLogger(paths.instanceLog(options.id), { instance: options.id, pid: process.pid });
  const stop = new AbortController();
  const requestStop = (why: string): void => {
    if (stop.signal.aborted) return;
    logger.info({ event: 'stop_signal', why }, `stopping: ${why}`);
    stop.abort();
  };
  // `on`, not `once`: signal-exit (used by write-file-atomic) re-raises a signal when no other listener is left.
  process.on('SIGTERM', () => requestStop('SIGTERM'));
  process.on('SIGINT', () => requestStop('SIGINT'));
  if (process.connected) process.once('disconnect', () => requestStop('orchestrator gone'));
  // New messages wake the instance at once (the store's file watch or LISTEN/NOTIFY); the fallback poll only
  // covers a lost wake-up, so an idle instance does not need to look every second.
  const store = traceStore(await openStore(options.store, paths.store, { pollIntervalMs: FALLBACK_POLL_MS }));
  // Started by hand (no orchestrator channel), e.g. on another host joining a collective: say where it went.
  if (!process.connected) {
    process.stderr.write(`${options.id} (${options.role}) joining the collective in ${store.location}; log: ${paths.instanceLog(options.id)}; Ctrl-C or \`tachikoma send --to ${options.id} --type control stop\` stops it\n`);
  }
  try {
    const brain = traceBrain(await createBrain(options.brain, {
      instanceId: options.id, role: options.role, runDirectory: paths.root, workspace: options.workspace, options: options.brainOptions,
      ...(options.changes === undefined ? {} : { changes: options.changes }),
    }), { instanceId: options.id, role: options.role });
    await runInstance({
      id: options.id, role: options.role, goal: options.goal, workspace: options.workspace, runDirectory: paths.root, store, brain, logger,
      stateFile: paths.instanceState(options.id), stop: stop.signal, wake: options.wake ?? defaultWakePolicy(options.brain),
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
      ...(options.idleCheckMs === undefined ? {} : { idleCheckMs: options.idleCheckMs }),
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      ...(options.governor === undefined ? {} : { governorSettings: options.governor }),
      ...(options.changes === undefined ? {} : { changes: options.changes }),
      ...(typeof options.brainOptions.model === 'string' ? { model: options.brainOptions.model } : {}),
    });
    return 0;
  } catch (error) {
    logger.fatal({ event: 'crashed', error: error instanceof Error ? error.stack ?? error.message : String(error) }, 'instance failed');
    process.stderr.write(`${options.id}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await store.close();
    logger.flush();
    // An open IPC channel keeps the process alive; the instance is done with its orchestrator.
    if (process.connected) process.disconnect();
  }
}
