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
import { type PostgresContext, type Queryable, decodeRow, nowIso, reader, requireInstance } from './postgres-context.js';
import { validateInput } from '../shared/records.js';
import { type WriteTransaction, writeTransaction } from './postgres-transaction.js';

interface TaskRow {
  id: string;
  record: string;
}

/** Reads one task; `lock` takes its row lock for the rest of the transaction (so two writers cannot both change it). */
async function readTask(context: PostgresContext, db: Queryable, taskId: string, lock: boolean): Promise<Task | undefined> {
  const [row] = await db.query<TaskRow>(`SELECT id, record FROM tasks WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [taskId]);
  return row === undefined ? undefined : decodeRow(context, taskSchema, 'tasks', row.id, row.record);
}

async function mustLock(context: PostgresContext, tx: WriteTransaction, taskId: string): Promise<Task> {
  const task = await readTask(context, tx, validateInput(idSchema, taskId, 'task id'), true);
  if (task === undefined) throw new StoreError('not_found', `unknown task ${JSON.stringify(taskId)}`);
  return task;
}

/** Writes a task; `action` null (a lease renewal) changes the row without a history entry, so renewals every second stay out of the history. */
async function writeTask(tx: WriteTransaction, task: Task, action: string | null): Promise<Task> {
  await tx.query(
    `UPDATE tasks SET v = $1, state = $2, owner = $3, lease_ms = $4, required_role = $5, capability = $6, record = $7 WHERE id = $8`,
    taskRowValues(task),
  );
  if (action !== null) tx.history('task', action, task.id, task);
  return task;
}

async function dependenciesDone(db: Queryable, task: Task): Promise<boolean> {
  if (task.dependsOn.length === 0) return true;
  const [row] = await db.query<{ done: number }>(`SELECT count(*)::int AS done FROM tasks WHERE id = ANY($1::text[]) AND state = 'done'`, [task.dependsOn]);
  return (row?.done ?? 0) === new Set(task.dependsOn).size;
}

function claimed(context: PostgresContext, tx: WriteTransaction, task: Task, instanceId: string, leaseMs: number): Promise<Task> {
  const change: TaskChange = claimedTask(task, instanceId, leaseMs, context.clock());
  return writeTask(tx, change.task, change.action);
}

/** Adds an open task at the end of the board; a used id → `conflict`. */
export function createTask(context: PostgresContext, input: NewTask): Promise<Task> {
  const parsed = validateInput(newTaskSchema, input, 'task');
  return writeTransaction(context, async (tx) => {
    const task = newTask(parsed, nowIso(context), () => context.clock());
    const inserted = await tx.query(
      `INSERT INTO tasks (id, v, state, owner, lease_ms, required_role, capability, depends_on, record)
       VALUES ($1, $2, 'open', NULL, NULL, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [task.id, TASK_SCHEMA_VERSION, task.requiredRole, task.capability, task.dependsOn, JSON.stringify(task)],
    );
    if (inserted.length === 0) throw new StoreError('conflict', `task ${task.id} already exists`);
    tx.history('task', 'created', task.id, task);
    return task;
  });
}

/** One task, or null. */
export async function getTask(context: PostgresContext, taskId: string): Promise<Task | null> {
  return (await readTask(context, reader(context), validateInput(idSchema, taskId, 'task id'), false)) ?? null;
}

/** The board in creation order, optionally filtered by state and owner. */
export async function listTasks(context: PostgresContext, query: TaskQuery = {}): Promise<Task[]> {
  const rows = await reader(context).query<TaskRow>('SELECT id, record FROM tasks ORDER BY position');
  return rows
    .flatMap((row) => decodeRow(context, taskSchema, 'tasks', row.id, row.record) ?? [])
    .filter((task) => matchesQuery(task, query));
}

/** Claims one task under its row lock: exactly one of racing claimers wins, the others get `conflict`. */
export function claimTask(context: PostgresContext, taskId: string, instanceId: string, options: ClaimOptions): Promise<Task> {
  const leaseMs = checkLease(options);
  const id = validateInput(idSchema, taskId, 'task id');
  const claimer = validateInput(instanceIdSchema, instanceId, 'instance id');
  return writeTransaction(context, async (tx) => {
    await requireInstance(context, tx, claimer, 'claimer');
    const task = await mustLock(context, tx, id);
    requireClaimable(task, id, context.clock());
    if (!(await dependenciesDone(tx, task))) throw dependenciesPending(task, id);
    return claimed(context, tx, task, claimer, leaseMs);
  });
}

/**
 * The oldest claimable task that fits, locked. SKIP LOCKED passes over a task another transaction is changing
 * right now (it is being claimed or finished), so racing claimers each lock a different one and never wait.
 */
const NEXT_CLAIMABLE = `
  SELECT t.id, t.record FROM tasks t
  WHERE t.state IN ('open', 'claimed') AND (t.state = 'open' OR t.lease_ms <= $1::float8)
    AND ($2::text[] IS NULL OR t.required_role IS NULL OR t.required_role = ANY($2::text[]))
    AND (t.capability IS NULL OR t.capability = ANY($3::text[]))
    AND NOT EXISTS (
      SELECT 1 FROM unnest(t.depends_on) AS dependency(id)
      WHERE NOT EXISTS (SELECT 1 FROM tasks done WHERE done.id = dependency.id AND done.state = 'done'))
    AND t.id <> ALL($4::text[])
  ORDER BY t.position LIMIT 1
  FOR UPDATE OF t SKIP LOCKED`;

/** Claims the oldest open (or expired) task that fits and whose dependencies are done, or null. */
export function claimNext(context: PostgresContext, instanceId: string, options: ClaimNextOptions): Promise<Task | null> {
  const leaseMs = checkLease(options);
  const claimer = validateInput(instanceIdSchema, instanceId, 'instance id');
  return writeTransaction(context, async (tx) => {
    await requireInstance(context, tx, claimer, 'claimer');
    const unreadable: string[] = [];
    for (;;) {
      const [row] = await tx.query<TaskRow>(NEXT_CLAIMABLE, [context.clock(), options.roles ?? null, options.capabilities ?? [], unreadable]);
      if (row === undefined) return null;
      const task = decodeRow(context, taskSchema, 'tasks', row.id, row.record);
      if (task !== undefined) return claimed(context, tx, task, claimer, leaseMs);
      unreadable.push(row.id);
    }
  });
}

/** Extends the owner's live lease. */
export function renewLease(context: PostgresContext, taskId: string, instanceId: string, options: ClaimOptions): Promise<Task> {
  const leaseMs = checkLease(options);
  return writeTransaction(context, async (tx) => {
    const task = await mustLock(context, tx, taskId);
    requireOwner(task, instanceId, 'renew', context.clock());
    return writeTask(tx, renewedTask(task, leaseMs, context.clock()), null);
  });
}

/** Completes a task with evidence; only the owner with a live lease may. */
export function completeTask(context: PostgresContext, taskId: string, instanceId: string, input: TaskCompletion): Promise<Task> {
  const completion = validateInput(taskCompletionSchema, input, 'task completion');
  return writeTransaction(context, async (tx) => {
    const task = await mustLock(context, tx, taskId);
    requireOwner(task, instanceId, 'complete', context.clock());
    return writeTask(tx, completedTask(task, completion, nowIso(context)), 'completed');
  });
}

/** Fails a task with a reason; only the owner with a live lease may. */
export function failTask(context: PostgresContext, taskId: string, instanceId: string, reason: string): Promise<Task> {
  const why = checkFailureReason(reason);
  return writeTransaction(context, async (tx) => {
    const task = await mustLock(context, tx, taskId);
    requireOwner(task, instanceId, 'fail', context.clock());
    return writeTask(tx, failedTask(task, why, nowIso(context)), 'failed');
  });
}

/** Puts a claimed task back on the board; only its owner may. */
export function releaseTask(context: PostgresContext, taskId: string, instanceId: string): Promise<Task> {
  return writeTransaction(context, async (tx) => {
    const task = await mustLock(context, tx, taskId);
    requireReleaser(task, instanceId);
    return writeTask(tx, reopenedTask(task, nowIso(context)), 'released');
  });
}

/** Re-offers every expired claim; rows are locked in board order, so two sweepers never deadlock. */
export function reofferExpired(context: PostgresContext): Promise<Task[]> {
  return writeTransaction(context, async (tx) => {
    const rows = await tx.query<TaskRow>(
      `SELECT id, record FROM tasks WHERE state = 'claimed' AND lease_ms <= $1::float8 ORDER BY position FOR UPDATE`,
      [context.clock()],
    );
    const reoffered: Task[] = [];
    for (const row of rows) {
      const task = decodeRow(context, taskSchema, 'tasks', row.id, row.record);
      if (task === undefined) continue;
      reoffered.push(await writeTask(tx, reopenedTask(task, nowIso(context)), 'lease_expired'));
    }
    return reoffered;
  });
}

/** Sends a done or failed task back to the board with the reason as its result. */
export function reopenTask(context: PostgresContext, taskId: string, reason: string): Promise<Task> {
  const why = checkReopenReason(reason);
  return writeTransaction(context, async (tx) => {
    const task = await mustLock(context, tx, taskId);
    requireFinished(task);
    return writeTask(tx, reopenedWithReason(task, why, nowIso(context)), 'reopened');
  });
}
