import type { z } from 'zod';
import { TASK_SCHEMA_VERSION, type Task, type newTaskSchema, type taskCompletionSchema, textSchema } from '../../protocol/index.js';
import type { ClaimOptions, TaskQuery } from '../collective-store.js';
import { newId } from '../new-id.js';
import { StoreError } from '../store-error.js';
import { validateInput } from './records.js';

/** The backend-independent task rules: lease bounds, who may change a task, and what each transition writes. */

const MAX_LEASE_MS = 24 * 60 * 60 * 1000;

/** A task change ready to write: the new record and the history action that names it. */
export interface TaskChange {
  task: Task;
  action: string;
}

export function checkLease(options: ClaimOptions): number {
  const { leaseMs } = options;
  if (!Number.isInteger(leaseMs) || leaseMs < 1 || leaseMs > MAX_LEASE_MS) {
    throw new StoreError('invalid_input', `leaseMs must be an integer from 1 to ${MAX_LEASE_MS}, got ${leaseMs}`);
  }
  return leaseMs;
}

/** A failure reason: text that is not blank. */
export function checkFailureReason(reason: string): string {
  return validateInput(textSchema.refine((value) => value.trim().length > 0, 'a failure needs a reason'), reason, 'failure reason');
}

/** The values of the tasks-row update, in column order: v, state, owner, lease_ms, required_role, capability, record, id. */
export function taskRowValues(task: Task): unknown[] {
  return [
    TASK_SCHEMA_VERSION,
    task.state,
    task.owner,
    task.leaseExpiresAt === null ? null : Date.parse(task.leaseExpiresAt),
    task.requiredRole,
    task.capability,
    JSON.stringify(task),
    task.id,
  ];
}

/** A new open task from validated input; `createdAt` is the store's time, `clock` names it when no id is given. */
export function newTask(parsed: z.output<typeof newTaskSchema>, createdAt: string, clock: () => number): Task {
  return {
    id: parsed.id ?? newId('task', clock()),
    kind: parsed.kind ?? 'work',
    title: parsed.title,
    detail: parsed.detail ?? '',
    requiredRole: parsed.requiredRole ?? null,
    capability: parsed.capability ?? null,
    dependsOn: parsed.dependsOn ?? [],
    scope: parsed.scope ?? [],
    expected: parsed.expected ?? '',
    doneWhen: parsed.doneWhen ?? '',
    state: 'open',
    owner: null,
    leaseExpiresAt: null,
    epoch: 0,
    attempts: 0,
    result: null,
    evidence: [],
    createdBy: parsed.createdBy,
    createdAt,
    updatedAt: createdAt,
  };
}

export function matchesQuery(task: Task, query: TaskQuery): boolean {
  return (query.state === undefined || task.state === query.state) && (query.owner === undefined || task.owner === query.owner);
}

function leaseLive(task: Task, now: number): boolean {
  return task.leaseExpiresAt !== null && Date.parse(task.leaseExpiresAt) > now;
}

/** Throws `conflict` unless the task is open or its claim has expired. */
export function requireClaimable(task: Task, taskId: string, now: number): void {
  const available = task.state === 'open' || (task.state === 'claimed' && !leaseLive(task, now));
  if (!available) throw new StoreError('conflict', `task ${taskId} is ${task.state}${task.owner === null ? '' : ` by ${task.owner}`}`);
}

/** The `conflict` for a task whose dependencies are not all done. */
export function dependenciesPending(task: Task, taskId: string): StoreError {
  return new StoreError('conflict', `task ${taskId} waits on ${task.dependsOn.join(', ')}`);
}

/** The owner check every owner-only transition makes: same owner, still claimed, lease not expired. */
export function requireOwner(task: Task, instanceId: string, doing: string, now: number): void {
  if (task.state !== 'claimed' || task.owner !== instanceId) {
    const holder = task.state === 'claimed' ? `claimed by ${task.owner ?? '?'}` : task.state;
    throw new StoreError('not_owner', `${instanceId} cannot ${doing} task ${task.id}: it is ${holder}`);
  }
  if (!leaseLive(task, now)) {
    throw new StoreError('lease_expired', `${instanceId} cannot ${doing} task ${task.id}: its lease expired; claim it again`);
  }
}

/** Only the claim's holder may release it (an expired lease does not matter). */
export function requireReleaser(task: Task, instanceId: string): void {
  if (task.state !== 'claimed' || task.owner !== instanceId) {
    throw new StoreError('not_owner', `${instanceId} cannot release task ${task.id}: it is ${task.state}${task.owner === null ? '' : ` by ${task.owner}`}`);
  }
}

export function claimedTask(task: Task, instanceId: string, leaseMs: number, now: number): TaskChange {
  return {
    task: {
      ...task,
      state: 'claimed',
      owner: instanceId,
      leaseExpiresAt: new Date(now + leaseMs).toISOString(),
      epoch: task.epoch + 1,
      attempts: task.attempts + 1,
      updatedAt: new Date(now).toISOString(),
    },
    action: task.state === 'claimed' ? 'claimed_after_expiry' : 'claimed',
  };
}

export function renewedTask(task: Task, leaseMs: number, now: number): Task {
  return { ...task, leaseExpiresAt: new Date(now + leaseMs).toISOString(), updatedAt: new Date(now).toISOString() };
}

export function completedTask(task: Task, completion: z.output<typeof taskCompletionSchema>, updatedAt: string): Task {
  return { ...task, state: 'done', leaseExpiresAt: null, result: completion.result, evidence: completion.evidence, updatedAt };
}

export function failedTask(task: Task, reason: string, updatedAt: string): Task {
  return { ...task, state: 'failed', leaseExpiresAt: null, result: reason, updatedAt };
}

/** A reopen reason: text that is not blank. */
export function checkReopenReason(reason: string): string {
  return validateInput(textSchema.refine((value) => value.trim().length > 0, 'reopening a task needs a reason'), reason, 'reopen reason');
}

/** Only a finished task is reopened: an open or claimed one is still on the board (and may be in someone's hands). */
export function requireFinished(task: Task): void {
  if (task.state !== 'done' && task.state !== 'failed') {
    throw new StoreError('conflict', `task ${task.id} is ${task.state}${task.owner === null ? '' : ` by ${task.owner}`}; only a done or failed task can be reopened`);
  }
}

/** A finished task sent back: open, its result the reason it came back (what its next claimer must read), no evidence. */
export function reopenedWithReason(task: Task, reason: string, updatedAt: string): Task {
  return { ...task, state: 'open', owner: null, leaseExpiresAt: null, result: reason, evidence: [], updatedAt };
}

/** Back on the board: released by its owner, or re-offered after its lease expired. */
export function reopenedTask(task: Task, updatedAt: string): Task {
  return { ...task, state: 'open', owner: null, leaseExpiresAt: null, updatedAt };
}
