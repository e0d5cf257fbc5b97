import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { type Command, workerReportSchema } from './worker-protocol.js';

/** Every worker process still alive, so the bench can kill them all whatever happens to it. */
const liveWorkers = new Set<ChildProcess>();

/** Kills every worker process still running (SIGKILL). Safe to call at any time, any number of times. */
export function killAllWorkers(): void {
  for (const child of liveWorkers) child.kill('SIGKILL');
  liveWorkers.clear();
}

process.on('exit', killAllWorkers);

/** Worker processes started together from one script: a barrier on 'ready', commands, typed results. */
export interface WorkerGroup<Result> {
  /** Resolves when every worker has reported ready; rejects if one fails first. */
  readonly ready: Promise<void>;
  /** Resolves with every worker's result, in start order; rejects (and kills the group) if one fails. */
  readonly results: Promise<Result[]>;
  /** Sends a command to every worker still running. */
  send(command: Command): void;
  /** Kills the group's workers. */
  kill(): void;
}

interface WorkerHandle<Result> {
  child: ChildProcess;
  ready: Promise<void>;
  result: Promise<Result>;
}

function startOne<S extends z.ZodType>(script: URL, config: unknown, resultSchema: S): WorkerHandle<z.output<S>> {
  // The worker's stdout goes to our stderr: our stdout must end with the JSON line alone.
  const child = fork(fileURLToPath(script), [JSON.stringify(config)], { stdio: ['ignore', 2, 2, 'ipc'] });
  liveWorkers.add(child);
  let markReady: () => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const result = new Promise<z.output<S>>((resolve, reject) => {
    const fail = (error: Error): void => {
      failReady(error);
      reject(error);
    };
    child.on('message', (raw: unknown) => {
      const report = workerReportSchema.safeParse(raw);
      if (!report.success) return fail(new Error(`worker ${child.pid} sent an unreadable report`));
      if (report.data.kind === 'ready') return markReady();
      if (report.data.kind === 'failed') return fail(new Error(`worker ${child.pid} failed: ${report.data.error}`));
      const parsed = resultSchema.safeParse(report.data.result);
      if (parsed.success) resolve(parsed.data);
      else fail(new Error(`worker ${child.pid} sent a malformed result: ${parsed.error.message}`));
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      liveWorkers.delete(child);
      fail(new Error(`worker ${child.pid} (${script.pathname}) exited (code ${code}, signal ${signal}) before its result`));
    });
  });
  // Both promises are awaited by the group; these handlers only stop an early failure counting as unhandled.
  ready.catch(() => undefined);
  result.catch(() => undefined);
  return { child, ready, result };
}

/** Forks one worker per config from the compiled `script`; each gets its config as JSON in argv[2]. */
export function startWorkers<S extends z.ZodType>(script: URL, configs: readonly unknown[], resultSchema: S): WorkerGroup<z.output<S>> {
  const handles = configs.map((config) => startOne(script, config, resultSchema));
  const kill = (): void => {
    for (const handle of handles) {
      handle.child.kill('SIGKILL');
      liveWorkers.delete(handle.child);
    }
  };
  const results = Promise.all(handles.map((handle) => handle.result));
  results.catch(kill);
  const ready = Promise.all(handles.map((handle) => handle.ready)).then(() => undefined);
  ready.catch(kill);
  return {
    ready,
    results,
    send: (command) => {
      for (const handle of handles) if (handle.child.connected) handle.child.send(command);
    },
    kill,
  };
}

/** `promise`, or a rejection naming `what` once `timeoutMs` has passed. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
