import {
  type NewTask,
  TASK_SCHEMA_VERSION,
  type Task,
  type TaskCompletion,
  idSchema,
  instanceIdSchema,
  newTaskSchema,
  taskCompletionSchema,
  taskSchema,
} from '../../protocol/index.js';
import type { ClaimNextOptions, ClaimOptions, TaskQuery } from '../collective-store.js';
import {
  type TaskChange,
  checkFailureReason,
  checkLease,
  checkReopenReason,
  claimedTask,
  completedTask,
  dependenciesPending,
  failedTask,
  matchesQuery,
  newTask,
  renewedTask,
  reopenedTask,
  reopenedWithReason,
  requireClaimable,
  requireFinished,
  requireOwner,
  requireReleaser,
  taskRowValues,
} from '../shared/task-rules.js';
import { StoreError } from '../store-error.js';
import {
  type SqliteContext,
  appendHistory,
  decodeRow,
  nowIso,
  requireInstance,
  sql,
  validateInput,
  writeTransaction,
} from './sqlite-context.js';

interface TaskRow {
  id: string;
  record: string;
}

function readTask(context: SqliteContext, taskId: string): Task | undefined {
  const row = sql(context, 'SELECT id, record FROM tasks WHERE id = ?').get(taskId) as TaskRow | undefined;
  return row === undefined ? undefined : decodeRow(context, taskSchema, 'tasks', row.id, row.record);
}

/** Writes a task; `action` null (a lease renewal) changes the row without a history entry, so renewals every second stay out of the history. */
function writeTask(context: SqliteContext, task: Task, action: string | null): Task {
  sql(
    context,
    `UPDATE tasks SET v = ?, state = ?, owner = ?, lease_ms = ?, required_role = ?, capability = ?, record = ?
     WHERE id = ?`,
  ).run(...taskRowValues(task));
  if (action !== null) appendHistory(context, 'task', action, task.id, task);
  return task;
}

function mustRead(context: SqliteContext, taskId: string): Task {
  const task = readTask(context, taskId);
  if (task === undefined) throw new StoreError('not_found', `unknown task ${JSON.stringify(taskId)}`);
  return task;
}

function dependenciesDone(context: SqliteContext, task: Task): boolean {
  return task.dependsOn.every((dependency) => readTask(context, dependency)?.state === 'done');
}

function claimed(context: SqliteContext, task: Task, instanceId: string, leaseMs: number): Task {
  const change: TaskChange = claimedTask(task, instanceId, leaseMs, context.clock());
  return writeTask(context, change.task, change.action);
}

export function createTask(context: SqliteContext, input: NewTask): Task {
  const parsed = validateInput(newTaskSchema, input, 'task');
  return writeTransaction(context, () => {
    const task = newTask(parsed, nowIso(context), () => context.clock());
    const position = (sql(context, 'SELECT COALESCE(MAX(position), 0) + 1 AS next FROM tasks').get() as { next: number }).next;
    const inserted = sql(
      context,
      `INSERT INTO tasks (id, v, position, state, owner, lease_ms, required_role, capability, record)
       VALUES (?, ?, ?, 'open', NULL, NULL, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ).run(task.id, TASK_SCHEMA_VERSION, position, task.requiredRole, task.capability, JSON.stringify(task));
    if (inserted.changes === 0) throw new StoreError('conflict', `task ${task.id} already exists`);
    appendHistory(context, 'task', 'created', task.id, task);
    return task;
  });
}

export function getTask(context: SqliteContext, taskId: string): Task | null {
  return readTask(context, validateInput(idSchema, taskId, 'task id')) ?? null;
}

export function listTasks(context: SqliteContext, query: TaskQuery = {}): Task[] {
  const rows = sql(context, 'SELECT id, record FROM tasks ORDER BY position').all() as TaskRow[];
  return rows
    .flatMap((row) => decodeRow(context, taskSchema, 'tasks', row.id, row.record) ?? [])
    .filter((task) => matchesQuery(task, query));
}

export function claimTask(context: SqliteContext, taskId: string, instanceId: string, options: ClaimOptions): Task {
  const leaseMs = checkLease(options);
  const id = validateInput(idSchema, taskId, 'task id');
  const claimer = validateInput(instanceIdSchema, instanceId, 'instance id');
  return writeTransaction(context, () => {
    requireInstance(context, claimer, 'claimer');
    const task = mustRead(context, id);
    requireClaimable(task, id, context.clock());
    if (!dependenciesDone(context, task)) throw dependenciesPending(task, id);
    return claimed(context, task, claimer, leaseMs);
  });
}

export function claimNext(context: SqliteContext, instanceId: string, options: ClaimNextOptions): Task | null {
  const leaseMs = checkLease(options);
  const claimer = validateInput(instanceIdSchema, instanceId, 'instance id');
  return writeTransaction(context, () => {
    requireInstance(context, claimer, 'claimer');
    const roles = options.roles === undefined ? null : JSON.stringify(options.roles);
    const capabilities = JSON.stringify(options.capabilities ?? []);
    const page = sql(
      context,
      `SELECT id, record, position FROM tasks
       WHERE position > ? AND (state = 'open' OR (state = 'claimed' AND lease_ms <= ?))
         AND (? IS NULL OR required_role IS NULL OR required_role IN (SELECT value FROM json_each(?)))
         AND (capability IS NULL OR capability IN (SELECT value FROM json_each(?)))
       ORDER BY position LIMIT 64`,
    );
    let after = 0;
    for (;;) {
      const rows = page.all(after, context.clock(), roles, roles, capabilities) as Array<TaskRow & { position: number }>;
      for (const row of rows) {
        const task = decodeRow(context, taskSchema, 'tasks', row.id, row.record);
        if (task === undefined || !dependenciesDone(context, task)) continue;
        return claimed(context, task, claimer, leaseMs);
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < 64) break;
      after = last.position;
    }
    return null;
  });
}

export function renewLease(context: SqliteContext, taskId: string, instanceId: string, options: ClaimOptions): Task {
  const leaseMs = checkLease(options);
  return writeTransaction(context, () => {
    const task = mustRead(context, validateInput(idSchema, taskId, 'task id'));
    requireOwner(task, instanceId, 'renew', context.clock());
    return writeTask(context, renewedTask(task, leaseMs, context.clock()), null);
  });
}

export function completeTask(context: SqliteContext, taskId: string, instanceId: string, input: TaskCompletion): Task {
  const completion = validateInput(taskCompletionSchema, input, 'task completion');
  return writeTransaction(context, () => {
    const task = mustRead(context, validateInput(idSchema, taskId, 'task id'));
    requireOwner(task, instanceId, 'complete', context.clock());
    return writeTask(context, completedTask(task, completion, nowIso(context)), 'completed');
  });
}

export function failTask(context: SqliteContext, taskId: string, instanceId: string, reason: string): Task {
  const why = checkFailureReason(reason);
  return writeTransaction(context, () => {
    const task = mustRead(context, validateInput(idSchema, taskId, 'task id'));
    requireOwner(task, instanceId, 'fail', context.clock());
    return writeTask(context, failedTask(task, why, nowIso(context)), 'failed');
  });
}

export function releaseTask(context: SqliteContext, taskId: string, instanceId: string): Task {
  return writeTransaction(context, () => {
    const task = mustRead(context, validateInput(idSchema, taskId, 'task id'));
    requireReleaser(task, instanceId);
    return writeTask(context, reopenedTask(task, nowIso(context)), 'released');
  });
}

export function reofferExpired(context: SqliteContext): Task[] {
  return writeTransaction(context, () => {
    const rows = sql(context, `SELECT id, record FROM tasks WHERE state = 'claimed' AND lease_ms <= ? ORDER BY position`).all(
      context.clock(),
    ) as TaskRow[];
    return rows.flatMap((row) => {
      const task = decodeRow(context, taskSchema, 'tasks', row.id, row.record);
      if (task === undefined) return [];
      return [writeTask(context, reopenedTask(task, nowIso(context)), 'lease_expired')];
    });
  });
}

export function reopenTask(context: SqliteContext, taskId: string, reason: string): Task {
  const why = checkReopenReason(reason);
  return writeTransaction(context, () => {
    const task = mustRead(context, validateInput(idSchema, taskId, 'task id'));
    requireFinished(task);
    return writeTask(context, reopenedWithReason(task, why, nowIso(context)), 'reopened');
  });
}
