import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { parseJsonRecord } from '../../src/protocol/index.js';

/** Where `npm run build` puts the compiled workers of test/workers/. */
export const WORKERS_DIR = resolve(import.meta.dirname, '../../build/test/workers');

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running worker process: its output so far, a way to await its lines, and its exit. */
export interface WorkerProcess {
  readonly label: string;
  readonly pid: number;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<WorkerExit>;
  /** The exit, once it happened; null while running. */
  exit(): WorkerExit | null;
  stderr(): string;
  /** Waits for the next stdout line not yet taken and parses it with `schema`; rejects on timeout or exit. */
  nextLine<S extends z.ZodType>(schema: S, timeoutMs: number): Promise<z.output<S>>;
  /** Writes one line (a JSON value) to the worker's stdin. */
  send(value: unknown): void;
  signal(signal: NodeJS.Signals): void;
}

/** Starts workers and guarantees they are gone after `killAll()`: the tests leave no orphan processes. */
export interface WorkerPool {
  /** Spawns `node build/test/workers/<name>.js '<config as JSON>'`. */
  start(name: string, config: object, label?: string): WorkerProcess;
  /** SIGKILLs every worker still running (stopped ones too) and waits until each has exited. */
  killAll(): Promise<void>;
}

function startWorker(name: string, config: object, label: string): { worker: WorkerProcess; child: ChildProcess } {
  const script = resolve(WORKERS_DIR, `${name}.js`);
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` before the multi-process tests`);
  const child = spawn(process.execPath, [script, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not spawn worker ${label}`);
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let taken = 0;
  let pendingStdout = '';
  let stderrText = '';
  let exitInfo: WorkerExit | null = null;
  const wakeAll = (): void => {
    for (const wake of [...waiters]) wake();
  };
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    pendingStdout += chunk;
    const parts = pendingStdout.split('\n');
    pendingStdout = parts.pop() ?? '';
    lines.push(...parts.filter((line) => line.length > 0));
    wakeAll();
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrText += chunk;
  });
  // A worker that died has closed its stdin; writing to it must not crash the test process.
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<WorkerExit>((resolveExit) => {
    child.on('close', (code, signal) => {
      exitInfo = { code, signal };
      wakeAll();
      resolveExit(exitInfo);
    });
  });

  const worker: WorkerProcess = {
    label,
    pid: child.pid,
    exited,
    exit: () => exitInfo,
    stderr: () => stderrText,
    nextLine: (schema, timeoutMs) =>
      new Promise((resolveLine, rejectLine) => {
        const timer = setTimeout(() => settle(new Error(`${label}: no stdout line within ${timeoutMs} ms; stderr: ${stderrText}`)), timeoutMs);
        function settle(error: Error | null): void {
          clearTimeout(timer);
          waiters.delete(check);
          if (error !== null) rejectLine(error);
        }
        function check(): void {
          const line = lines[taken];
          if (line !== undefined) {
            taken += 1;
            settle(null);
            try {
              resolveLine(parseJsonRecord(schema, line, `${label} stdout line`));
            } catch (error) {
              rejectLine(error instanceof Error ? error : new Error(String(error)));
            }
          } else if (exitInfo !== null) {
            settle(new Error(`${label} exited (${JSON.stringify(exitInfo)}) before printing a line; stderr: ${stderrText}`));
          }
        }
        waiters.add(check);
        check();
      }),
    send: (value) => {
      child.stdin?.write(`${JSON.stringify(value)}\n`);
    },
    signal: (signal) => {
      if (exitInfo === null) child.kill(signal);
    },
  };
  return { worker, child };
}

/** Creates an empty pool; call `killAll()` in afterEach. */
export function createWorkerPool(): WorkerPool {
  const running = new Map<WorkerProcess, ChildProcess>();
  let started = 0;
  return {
    start: (name, config, label) => {
      started += 1;
      const { worker, child } = startWorker(name, config, label ?? `${name}#${started}`);
      running.set(worker, child);
      void worker.exited.then(() => running.delete(worker));
      return worker;
    },
    killAll: async () => {
      const workers = [...running.keys()];
      for (const worker of workers) worker.signal('SIGKILL');
      await Promise.all(workers.map((worker) => worker.exited));
    },
  };
}

/** Waits for a worker to exit and fails, with its stderr, unless it exited with code 0. */
export async function expectCleanExit(worker: WorkerProcess): Promise<void> {
  const exit = await worker.exited;
  if (exit.code !== 0) throw new Error(`${worker.label} exited with ${JSON.stringify(exit)}; stderr:\n${worker.stderr()}`);
}
