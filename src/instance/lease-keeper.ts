import { COORDINATOR_LEASE } from '../collective/roles.js';
import type { CollectiveStore } from '../store/index.js';
import { StoreError } from '../store/index.js';
import type { Logger } from './instance-logger.js';

/** Shortest coordinator lease the keeper renews to; a longer one the holder took is kept as long. */
export const COORDINATOR_RENEW_TTL_MS = 15_000;
/** Renewals happen at least this often. */
const MAX_RENEW_INTERVAL_MS = 1000;

/** How often leases of `leaseMs` are renewed: every second, or a quarter of the lease when shorter. */
export function renewIntervalMs(leaseMs: number): number {
  return Math.max(50, Math.min(MAX_RENEW_INTERVAL_MS, Math.floor(leaseMs / 4)));
}

export interface LeaseKeeperSetup {
  store: CollectiveStore;
  self: string;
  /** The task this instance holds (shared with the tools that claim and finish tasks). */
  currentTask: { id: string | null };
  /** Lease length of task claims, in ms. */
  leaseMs: number;
  logger: Logger;
}

/**
 * Keeps the leases an instance holds — its claimed task and the coordinator role — alive while its process
 * runs, however long a model step takes: each is renewed as soon as it is first seen, then every
 * `renewIntervalMs`. A lease that could not be kept (it expired while the process was stalled, someone took it
 * over) becomes a notice the next turn's context carries, so the model learns it instead of finding out from
 * a failed `complete_task`. Renewals write no history.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private renewedTask: string | null = null;
  private coordinator = false;
  private readonly pending: string[] = [];

  constructor(private readonly setup: LeaseKeeperSetup) {}

  start(stop: AbortSignal): void {
    this.timer = setInterval(() => void this.tick(), renewIntervalMs(Math.min(this.setup.leaseMs, COORDINATOR_RENEW_TTL_MS)));
    this.timer.unref();
    stop.addEventListener('abort', () => this.stop(), { once: true });
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Renews now when the held task changed since the last renewal (a claim was just made). */
  poke(): void {
    if (this.setup.currentTask.id !== this.renewedTask) void this.tick();
  }

  /** Notices since the last call (leases lost), oldest first; each is given once. */
  takeNotices(): string[] {
    return this.pending.splice(0, this.pending.length);
  }

  /** One renewal pass; passes never overlap (a slow store delays the next instead of piling up). */
  tick(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.keepTask();
        await this.keepCoordinator();
      } catch (error) {
        this.setup.logger.warn({ event: 'lease_renewal_failed', error: String(error) }, 'could not renew leases; trying again');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async keepTask(): Promise<void> {
    const { store, self, currentTask, leaseMs } = this.setup;
    const taskId = currentTask.id;
    if (taskId === null) {
      this.renewedTask = null;
      return;
    }
    try {
      await store.renewLease(taskId, self, { leaseMs });
      this.renewedTask = taskId;
    } catch (error) {
      if (!StoreError.isInstance(error) || !['not_owner', 'lease_expired', 'not_found'].includes(error.code)) throw error;
      // Finished meanwhile (by this instance's own tool call): nothing was lost.
      if (currentTask.id !== taskId) return;
      const task = await store.getTask(taskId);
      if (task?.state === 'done' && task.owner === self) return;
      currentTask.id = null;
      this.renewedTask = null;
      this.notice(`you lost your claim on task ${taskId} (${error.message}); do not complete it unless you claim it again with claim_task`);
    }
  }

  private async keepCoordinator(): Promise<void> {
    const { store, self } = this.setup;
    const lease = await store.getRoleLease(COORDINATOR_LEASE);
    if (lease?.holder === self) {
      this.coordinator = true;
      const ttlMs = Math.max(COORDINATOR_RENEW_TTL_MS, Date.parse(lease.expiresAt) - Date.now());
      if ((await store.acquireRoleLease(COORDINATOR_LEASE, self, { ttlMs })) !== null) return;
    }
    if (!this.coordinator) return;
    this.coordinator = false;
    const now = await store.getRoleLease(COORDINATOR_LEASE);
    this.notice(now === null ? 'you are no longer the coordinator: your coordinator lease ended' : `you lost the coordinator role: ${now.holder} holds it until ${now.expiresAt}`);
  }

  /** The coordinator role was given up on purpose (coordinator_lease release): no notice for it. */
  released(): void {
    this.coordinator = false;
  }

  private notice(text: string): void {
    this.pending.push(text);
    this.setup.logger.warn({ event: 'lease_lost', notice: text }, text);
  }
}
