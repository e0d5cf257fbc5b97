import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { createSqliteStore } from '../../src/store/index.js';
import type { CollectiveStore } from '../../src/store/index.js';

export const CLI = resolve(import.meta.dirname, '../../bin/tachikoma.js');

const eventSchema = z.looseObject({ type: z.string(), id: z.string().optional(), pid: z.number().optional(), state: z.string().optional() });
export type RunEvent = z.infer<typeof eventSchema>;

const recordSchema = z.looseObject({
  iteration: z.number(),
  pid: z.number(),
  inbox: z.array(z.looseObject({ seq: z.number(), id: z.string(), from: z.string(), to: z.string(), type: z.string(), content: z.string() })),
  peers: z.array(z.looseObject({ id: z.string(), status: z.string() })),
});
export type TurnRecord = z.infer<typeof recordSchema>;

/** A workspace with a scripted-brain config, and a run directory inside it. */
export function makeWorkspace(script: unknown, config: Record<string, unknown> = {}): { workspace: string; runDirectory: string; cleanup: () => void } {
  const workspace = mkdtempSync(join(tmpdir(), 'tachikoma-run-'));
  writeFileSync(join(workspace, 'script.json'), JSON.stringify(script));
  writeFileSync(
    join(workspace, 'tachikoma.config.json'),
    JSON.stringify({ brain: 'scripted', brainOptions: { script: 'script.json' }, heartbeatMs: 250, staleMs: 5000, idleCheckMs: 60_000, stopTimeoutMs: 5000, ...config }),
  );
  return { workspace, runDirectory: join(workspace, '.tachikoma'), cleanup: () => rmSync(workspace, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) };
}

/** A live `tachikoma run --json` process and what it printed. */
export class RunningCollective {
  readonly events: RunEvent[] = [];
  /** Every line the run printed on stdout, events and notes alike. */
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(
    readonly workspace: string,
    readonly runDirectory: string,
    extraArgs: readonly string[] = [],
    /** Added to this process's environment for the orchestrator and (inherited) its instances. */
    env: Readonly<Record<string, string>> = {},
  ) {
    this.child = spawn(process.execPath, [CLI, 'run', '--json', '--workspace', workspace, '--run-dir', runDirectory, ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.exited = new Promise((resolvePromise) => this.child.once('exit', (code) => resolvePromise(code)));
    if (this.child.stdout !== null) {
      createInterface({ input: this.child.stdout }).on('line', (line) => {
        this.lines.push(line);
        try {
          const parsed = eventSchema.safeParse(JSON.parse(line));
          if (parsed.success) this.events.push(parsed.data);
        } catch {
          // not an event line
        }
      });
    }
    this.child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[orchestrator] ${chunk.toString()}`));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('orchestrator did not start');
    return this.child.pid;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/**
 * Runs a CLI command to completion without blocking this process (a blocked test process could not reap
 * its own exited children, and a zombie orchestrator still looks alive to `kill -0`).
 */
export async function cli(args: readonly string[], timeoutMs = 30_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [status] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { status, stdout, stderr };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(40);
  }
}

/** Everything a scripted instance recorded, one entry per turn. */
export function turnRecords(runDirectory: string, instanceId: string): TurnRecord[] {
  const path = join(runDirectory, 'scripted', `${instanceId}.jsonl`);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => recordSchema.parse(JSON.parse(line)));
}

/** An instance's environment for runs whose tests wait on its debug log events (see instanceLogEvents). */
export const DEBUG_LOG = { TACHIKOMA_LOG_LEVEL: 'debug' } as const;

const logEventSchema = z.looseObject({ event: z.string(), inbox: z.array(z.number()).optional() });
export type LogEvent = z.infer<typeof logEventSchema>;

/**
 * The events an instance has logged so far (logs/<id>.log, one JSON object a line), for a test to wait on what
 * the instance did rather than on time. Lines without an event, and a last line still being written, are skipped.
 */
export function instanceLogEvents(runDirectory: string, instanceId: string): LogEvent[] {
  const path = join(runDirectory, 'logs', `${instanceId}.log`);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').flatMap((line) => {
    try {
      const parsed = logEventSchema.safeParse(JSON.parse(line));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}

/** Message ids an instance handled, in order, over all its lives. */
export function handledIds(runDirectory: string, instanceId: string): string[] {
  return turnRecords(runDirectory, instanceId).flatMap((record) => record.inbox.map((message) => message.id));
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills an instance with SIGKILL and waits until the orchestrator has it running again under a new pid. */
export async function killAndAwaitRestart(runDirectory: string, instanceId: string): Promise<void> {
  const before = await withStore(runDirectory, async (store) => (await store.getInstance(instanceId))?.pid ?? null);
  if (before === null) throw new Error(`${instanceId} has no pid to kill`);
  process.kill(before, 'SIGKILL');
  await waitFor(`${instanceId} restarted`, () =>
    withStore(runDirectory, async (store) => {
      const record = await store.getInstance(instanceId);
      return record?.pid !== null && record?.pid !== undefined && record.pid !== before && alive(record.pid) && record.status !== 'starting' ? record : undefined;
    }), 30_000);
}

/** A read handle on a run's store. */
export function openRunStore(runDirectory: string): CollectiveStore {
  return createSqliteStore(join(runDirectory, 'collective.db'), { pollIntervalMs: 200 });
}

/** Opens the run's store for `read`, and closes it whatever happens. */
export async function withStore<T>(runDirectory: string, read: (store: CollectiveStore) => Promise<T>): Promise<T> {
  const store = openRunStore(runDirectory);
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/** A test's last resort: kills the orchestrator and every instance its store still lists with a live pid. */
export async function killCollective(run: RunningCollective, runDirectory: string): Promise<void> {
  if (alive(run.pid)) run.kill('SIGKILL');
  if (!existsSync(join(runDirectory, 'collective.db'))) return;
  const store = openRunStore(runDirectory);
  try {
    for (const record of await store.listInstances()) if (record.pid !== null && alive(record.pid)) process.kill(record.pid, 'SIGKILL');
  } finally {
    await store.close();
  }
}
