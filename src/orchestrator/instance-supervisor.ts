import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { EventSink } from './orchestrator-events.js';

export interface SupervisorPolicy {
  /** Crashes tolerated within `restartWindowMs` before the supervisor gives up on the instance. */
  maxRestarts: number;
  restartWindowMs: number;
  /** First restart delay; doubles per recent crash, capped at `maxBackoffMs`. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  stopTimeoutMs: number;
}

export interface SupervisedInstance {
  id: string;
  /** Command and arguments that start the instance process. */
  command: string;
  args: readonly string[];
  /** The process environment (default: the orchestrator's). */
  env?: NodeJS.ProcessEnv;
  errorLogPath: string;
}

type Phase = 'idle' | 'running' | 'backoff' | 'stopping' | 'stopped' | 'gave_up' | 'finished';

const STDERR_TAIL_BYTES = 4000;

/**
 * Keeps one instance process alive: spawns it with an IPC channel (so it exits when the orchestrator dies),
 * restarts it after a crash with exponential backoff, gives up loudly on a crash loop, and stops it with
 * SIGTERM then SIGKILL after a timeout. An exit with code 0 is the instance finishing and is not restarted.
 */
export class InstanceSupervisor {
  private child: ChildProcess | undefined;
  private phase: Phase = 'idle';
  private crashes: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private stderrTail = '';
  private errorLog: WriteStream | undefined;
  private exited: Promise<void> = Promise.resolve();
  private starts = 0;
  private lastStart = 0;

  constructor(
    private readonly instance: SupervisedInstance,
    private readonly policy: SupervisorPolicy,
    private readonly emit: EventSink,
    private readonly onSettled: () => void,
  ) {}

  get id(): string {
    return this.instance.id;
  }

  /** When the current process was spawned (ms since the epoch). */
  get startedAt(): number {
    return this.lastStart;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** running, backoff, stopping, stopped, gave_up (crash loop) or finished (exited 0 on its own). */
  get state(): Phase {
    return this.phase;
  }

  /** True once the instance will not run again in this run. */
  get settled(): boolean {
    return this.phase === 'stopped' || this.phase === 'gave_up' || this.phase === 'finished';
  }

  start(): void {
    if (this.phase === 'running' || this.phase === 'stopping') return;
    this.errorLog ??= createWriteStream(this.instance.errorLogPath, { flags: 'a' });
    const child = spawn(this.instance.command, [...this.instance.args], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      ...(this.instance.env === undefined ? {} : { env: this.instance.env }),
    });
    this.child = child;
    this.phase = 'running';
    this.lastStart = Date.now();
    const restart = this.starts;
    this.starts += 1;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.errorLog?.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    // A child that closes its IPC channel early must not take the orchestrator down with EPIPE.
    child.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        this.handleExit(child, code, signal);
      });
    });
    if (child.pid !== undefined) this.emit({ type: 'instance_started', id: this.id, pid: child.pid, restart });
  }

  /** Kills a silent (stale) instance so that it is restarted. */
  killStale(silentMs: number): void {
    if (this.phase !== 'running' || this.child === undefined) return;
    this.emit({ type: 'instance_stale', id: this.id, silentMs });
    this.child.kill('SIGKILL');
  }

  /** Asks the instance to stop (it finishes its step), kills it after the timeout; never restarts it. */
  async stop(): Promise<boolean> {
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (this.phase !== 'running' || child === undefined) {
      if (!this.settled) this.settle('stopped');
      return false;
    }
    this.phase = 'stopping';
    child.kill('SIGTERM');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, this.policy.stopTimeoutMs);
    await this.exited;
    clearTimeout(timer);
    return killed;
  }

  private handleExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    const expected = this.phase === 'stopping' || code === 0;
    this.emit({ type: 'instance_exited', id: this.id, code, signal, expected, stderrTail: this.stderrTail.slice(-800) });
    if (this.phase === 'stopping') return this.settle('stopped');
    if (code === 0) return this.settle('finished');
    const now = Date.now();
    this.crashes = [...this.crashes.filter((time) => now - time < this.policy.restartWindowMs), now];
    if (this.crashes.length > this.policy.maxRestarts) {
      this.emit({ type: 'instance_gave_up', id: this.id, crashes: this.crashes.length, windowMs: this.policy.restartWindowMs, stderrTail: this.stderrTail.slice(-800) });
      return this.settle('gave_up');
    }
    const delay = Math.min(this.policy.baseBackoffMs * 2 ** (this.crashes.length - 1), this.policy.maxBackoffMs);
    this.phase = 'backoff';
    this.emit({ type: 'instance_restarting', id: this.id, inMs: delay, attempt: this.crashes.length });
    this.restartTimer = setTimeout(() => this.start(), delay);
  }

  private settle(phase: 'stopped' | 'gave_up' | 'finished'): void {
    this.phase = phase;
    this.errorLog?.end();
    this.errorLog = undefined;
    this.onSettled();
  }
}
