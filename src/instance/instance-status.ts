import type { Heartbeat, InstanceStatus, Role } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';
import type { Logger } from './instance-logger.js';
import { type InstanceStateView, STATE_FILE_VERSION, writeStateFile } from './state-file.js';

/** What a checkpoint (the end of a turn) writes with the status: the inbox cursor and the turn's metadata. */
export interface Checkpoint {
  inboxSeq?: number;
  metadata?: Heartbeat['metadata'];
}

/**
 * An instance's published state: its status and last activity in the store, its heartbeat, and its state file.
 * The writes go out one after another in call order, so a tool's status sent without waiting during a turn can
 * never land after (and undo) the turn's checkpoint.
 */
export class InstanceStatusBoard {
  status: InstanceStatus = 'starting';
  lastActivity = 'started';
  iteration: number;
  cursor: number;
  lastTurn: InstanceStateView['lastTurn'] = null;
  readonly currentTask = { id: null as string | null };
  private writes: Promise<unknown> = Promise.resolve();
  private beat: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: CollectiveStore,
    private readonly self: { id: string; role: Role; brain: string; stateFile: string; logger: Logger },
    start: { iteration: number; cursor: number },
  ) {
    this.iteration = start.iteration;
    this.cursor = start.cursor;
  }

  /** Changes the status here only; `publish` writes it. */
  note(next: InstanceStatus, activity?: string): void {
    this.status = next;
    if (activity !== undefined) this.lastActivity = activity.slice(0, 500);
  }

  /** Publishes the status; a checkpoint also moves the inbox cursor, in the same transaction. */
  publish(next: InstanceStatus, activity?: string, checkpoint: Checkpoint = {}): Promise<void> {
    this.note(next, activity);
    const beat = {
      status: this.status, lastActivity: this.lastActivity, currentTask: this.currentTask.id, iteration: this.iteration,
      ...(checkpoint.metadata === undefined ? {} : { metadata: checkpoint.metadata }),
    };
    const cursor = checkpoint.inboxSeq === undefined ? undefined : { consumer: `inbox:${this.self.id}`, seq: checkpoint.inboxSeq };
    const write = this.writes.then(() => this.store.heartbeat(this.self.id, beat, cursor)).then(() => undefined);
    this.writes = write.catch(() => undefined);
    return write;
  }

  /** Publishes without waiting (a status shown during a turn); a failure is the next heartbeat's to repair. */
  show(next: InstanceStatus, activity?: string): void {
    this.publish(next, activity).catch(() => undefined);
  }

  saveState(): Promise<void> {
    return writeStateFile(this.self.stateFile, {
      schemaVersion: STATE_FILE_VERSION, id: this.self.id, role: this.self.role, pid: process.pid, brain: this.self.brain,
      status: this.status, iteration: this.iteration, currentTask: this.currentTask.id, cursor: this.cursor,
      lastActivity: this.lastActivity, lastTurn: this.lastTurn, updatedAt: new Date().toISOString(),
    });
  }

  /** Beats every `heartbeatMs`; an instance recorded as crashed while it was cut off (or slow) says it is back. */
  startHeartbeat(heartbeatMs: number, stop: AbortSignal): void {
    const { logger } = this.self;
    this.beat = setInterval(() => {
      this.store.heartbeat(this.self.id)
        .then(async (record) => {
          if (record.status === 'crashed' && this.status !== 'crashed' && !stop.aborted) {
            logger.warn({ event: 'reconnected', lastActivity: record.lastActivity }, 'was recorded as crashed; alive again');
            await this.publish(this.status);
          }
        })
        .catch((error: unknown) => logger.warn({ event: 'heartbeat_failed', error: String(error) }, 'heartbeat failed'));
    }, heartbeatMs);
    this.beat.unref();
  }

  stopHeartbeat(): void {
    clearInterval(this.beat);
  }
}
