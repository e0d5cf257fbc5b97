import type { z } from 'zod';
import { type Command, type WorkerReport, commandSchema } from './worker-protocol.js';

const commandWaiters = new Map<Command['kind'], Array<() => void>>();
const commandsSeen = new Set<Command['kind']>();

function send(report: WorkerReport): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) {
      resolve();
      return;
    }
    process.send(report, undefined, {}, () => resolve());
  });
}

/**
 * Prepares this process to be a bench worker: it exits when the parent goes away (never an orphan) and
 * records the parent's commands. Returns the worker's configuration, parsed from argv[2] with `schema`.
 */
export function startWorker<S extends z.ZodType>(schema: S): z.output<S> {
  if (process.send === undefined) throw new Error('a bench worker must be started by the bench (child_process.fork)');
  process.on('disconnect', () => process.exit(2));
  process.on('message', (raw: unknown) => {
    const parsed = commandSchema.safeParse(raw);
    if (!parsed.success) return;
    commandsSeen.add(parsed.data.kind);
    const waiters = commandWaiters.get(parsed.data.kind) ?? [];
    commandWaiters.delete(parsed.data.kind);
    for (const wake of waiters) wake();
  });
  const text = process.argv[2];
  if (text === undefined) throw new Error('a bench worker needs its configuration as JSON in argv[2]');
  return schema.parse(JSON.parse(text) as unknown);
}

/** Resolves once the parent has sent `kind` (at once when it already has). */
export function commandReceived(kind: Command['kind']): Promise<void> {
  if (commandsSeen.has(kind)) return Promise.resolve();
  return new Promise((resolve) => {
    const waiters = commandWaiters.get(kind) ?? [];
    waiters.push(resolve);
    commandWaiters.set(kind, waiters);
  });
}

/** Tells the parent this worker is set up and waiting. */
export function reportReady(): Promise<void> {
  return send({ kind: 'ready' });
}

/** Sends the result, then ends the process (exit code 0). */
export async function reportResult(result: unknown): Promise<never> {
  await send({ kind: 'result', result });
  process.exit(0);
}

/** Runs a worker's body; any failure is reported to the parent and ends the process with code 1. */
export function runWorker(body: () => Promise<void>): void {
  body().catch(async (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`bench worker ${process.pid} failed: ${text}\n`);
    await send({ kind: 'failed', error: text }).catch(() => undefined);
    process.exit(1);
  });
}
