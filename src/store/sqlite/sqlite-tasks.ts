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
  textSchema,
} from '../../protocol/index.js';
import type { ClaimNextOptions, ClaimOptions, TaskQuery } from '../collective-store.js';
import { newId } from '../new-id.js';
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

const MAX_LEASE_MS = 24 * 60 * 60 * 1000;

function checkLease(options: ClaimOptions): number {
  const { leaseMs } = options;
  if (!Number.isInteger(leaseMs) || leaseMs < 1 || leaseMs > MAX_LEASE_MS) {
    throw new StoreError('invalid_input', `leaseMs must be an integer from 1 to ${MAX_LEASE_MS}, got ${leaseMs}`);
  }
  return leaseMs;
}

function readTask(context: SqliteContext, taskId: string): Task | undefined {
  const row = sql(context, 'SELECT id, record FROM tasks WHERE id = ?').get(taskId) as TaskRow | undefined;
  return row === undefined ? undefined : decodeRow(context, taskSchema, 'tasks', row.id, row.record);
}

function writeTask(context: SqliteContext, task: Task, action: string): Task {
  sql(
    context,
    `UPDATE tasks SET v = ?, state = ?, owner = ?, lease_ms = ?, required_role = ?, capability = ?, record = ?
     WHERE id = ?`,
  ).run(
    TASK_SCHEMA_VERSION,
    task.state,
    task.owner,
    task.leaseExpiresAt === null ? null : Date.parse(task.leaseExpiresAt),
    task.requiredRole,
    task.capability,
    JSON.stringify(task),
    task.id,
  );
  appendHistory(context, 'task', action, task.id, task);
  return task;
}

function mustRead(context: SqliteContext, taskId: string): Task {
  const task = readTask(context, taskId);
  if (task === undefined) throw new StoreError('not_found', `unknown task ${JSON.stringify(taskId)}`);
  return task;
}

function leaseLive(context: SqliteContext, task: Task): boolean {
  return task.leaseExpiresAt !== null && Date.parse(task.leaseExpiresAt) > context.clock();
}

/** The owner check every owner-only transition makes: same owner, still claimed, lease not expired. */
function requireOwner(context: SqliteContext, task: Task, instanceId: string, doing: string): void {
  if (task.state !== 'claimed' || task.owner !== instanceId) {
    const holder = task.state === 'claimed' ? `claimed by ${task.owner ?? '?'}` : task.state;
    throw new StoreError('not_owner', `${instanceId} cannot ${doing} task ${task.id}: it is ${holder}`);
  }
  if (!leaseLive(context, task)) {
    throw new StoreError('lease_expired', `${instanceId} cannot ${doing} task ${task.id}: its lease expired; claim it again`);
  }
}

function dependenciesDone(context: SqliteContext, task: Task): boolean {
  return task.dependsOn.every((dependency) => readTask(context, dependency)?.state === 'done');
}

function claimed(context: SqliteContext, task: Task, instanceId: string, leaseMs: number): Task {
  const now = context.clock();
  const takeover = task.state === 'claimed';
  return writeTask(
    context,
    {
      ...task,
      state: 'claimed',
      owner: instanceId,
      leaseExpiresAt: new Date(now + leaseMs).toISOString(),
      epoch: task.epoch + 1,
      attempts: task.attempts + 1,
      updatedAt: new Date(now).toISOString(),
    },
    takeover ? 'claimed_after_expiry' : 'claimed',
  );
}

export function createTask(context: SqliteContext, input: NewTask): Task {
  const parsed = validateInput(newTaskSchema, input, 'task');
  return writeTransaction(context, () => {
    const now = nowIso(context);
    const task: Task = {
      id: parsed.id ?? newId('task', context.clock()),
      title: parsed.title,
      detail: parsed.detail ?? '',
      requiredRole: parsed.requiredRole ?? null,
      capability: parsed.capability ?? null,
      dependsOn: parsed.dependsOn ?? [],
      state: 'open',
      owner: null,
      leaseExpiresAt: null,
      epoch: 0,
      attempts: 0,
      result: null,
      evidence: [],
      createdBy: parsed.createdBy,
      createdAt: now,
      updatedAt: now,
    };
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
    .filter((task) => (query.state === undefined || task.state === query.state) && (query.owner === undefined || task.owner === query.owner));
}

export function claimTask(context: SqliteContext, taskId: string, instanceId: string, options: ClaimOptions): Task {
  const leaseMs = checkLease(options);
  const id = validateInput(idSchema, taskId, 'task id');
  const claimer = validateInput(instanceIdSchema, instanceId, 'instance id');
  return writeTransaction(context, () => {
    requireInstance(context, claimer, 'claimer');
    const task = mustRead(context, id);
    const available = task.state === 'open' || (task.state === 'claimed' && !leaseLive(context, task));
    if (!available) throw new StoreError('conflict', `task ${id} is ${task.state}${task.owner === null ? '' : ` by ${task.owner}`}`);
    if (!dependenciesDone(context, task)) throw new StoreError('conflict', `task ${id} waits on ${task.dependsOn.join(', ')}`);
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
    requireOwner(context, task, instanceId, 'renew');
    const now = context.clock();
    return writeTask(context, { ...task, leaseExpiresAt: new Date(now + leaseMs).toISOString(), updatedAt: new Date(now).toISOString() }, 'renewed');
  });
}

export function completeTask(context: SqliteContext, taskId: string, instanceId: string, input: TaskCompletion): Task {
  const completion = validateInput(taskCompletionSchema, input, 'task completion');
  return writeTransaction(context, () => {
    const task = mustRead(context, validateInput(idSchema, taskId, 'task id'));
    requireOwner(context, task, instanceId, 'complete');
    return writeTask(
      context,
      { ...task, state: 'done', leaseExpiresAt: null, result: completion.result, evidence: completion.evidence, updatedAt: nowIso(context) },
      'completed',
    );
  });
}

export function failTask(context: SqliteContext, taskId: string, instanceId: string, reason: string): Task {
  const why = validateInput(textSchema.refine((value) => value.trim().length > 0, 'a failure needs a reason'), reason, 'failure reason');
  return writeTransaction(context, () => {
    const task = mustRead(context, validateInput(idSchema, taskId, 'task id'));
    requireOwner(context, task, instanceId, 'fail');
    return writeTask(context, { ...task, state: 'failed', leaseExpiresAt: null, result: why, updatedAt: nowIso(context) }, 'failed');
  });
}

export function releaseTask(context: SqliteContext, taskId: string, instanceId: string): Task {
  return writeTransaction(context, () => {
    const task = mustRead(context, validateInput(idSchema, taskId, 'task id'));
    if (task.state !== 'claimed' || task.owner !== instanceId) {
      throw new StoreError('not_owner', `${instanceId} cannot release task ${task.id}: it is ${task.state}${task.owner === null ? '' : ` by ${task.owner}`}`);
    }
    return writeTask(context, { ...task, state: 'open', owner: null, leaseExpiresAt: null, updatedAt: nowIso(context) }, 'released');
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
      return [writeTask(context, { ...task, state: 'open', owner: null, leaseExpiresAt: null, updatedAt: nowIso(context) }, 'lease_expired')];
    });
  });
}
