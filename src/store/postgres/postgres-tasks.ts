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
import { type PostgresContext, type Queryable, decodeRow, nowIso, reader, requireInstance } from './postgres-context.js';
import { validateInput } from './postgres-records.js';
import { type WriteTransaction, writeTransaction } from './postgres-transaction.js';

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

async function writeTask(tx: WriteTransaction, task: Task, action: string): Promise<Task> {
  await tx.query(
    `UPDATE tasks SET v = $1, state = $2, owner = $3, lease_ms = $4, required_role = $5, capability = $6, record = $7 WHERE id = $8`,
    [
      TASK_SCHEMA_VERSION,
      task.state,
      task.owner,
      task.leaseExpiresAt === null ? null : Date.parse(task.leaseExpiresAt),
      task.requiredRole,
      task.capability,
      JSON.stringify(task),
      task.id,
    ],
  );
  tx.history('task', action, task.id, task);
  return task;
}

function leaseLive(context: PostgresContext, task: Task): boolean {
  return task.leaseExpiresAt !== null && Date.parse(task.leaseExpiresAt) > context.clock();
}

/** The owner check every owner-only transition makes: same owner, still claimed, lease not expired. */
function requireOwner(context: PostgresContext, task: Task, instanceId: string, doing: string): void {
  if (task.state !== 'claimed' || task.owner !== instanceId) {
    const holder = task.state === 'claimed' ? `claimed by ${task.owner ?? '?'}` : task.state;
    throw new StoreError('not_owner', `${instanceId} cannot ${doing} task ${task.id}: it is ${holder}`);
  }
  if (!leaseLive(context, task)) {
    throw new StoreError('lease_expired', `${instanceId} cannot ${doing} task ${task.id}: its lease expired; claim it again`);
  }
}

async function dependenciesDone(db: Queryable, task: Task): Promise<boolean> {
  if (task.dependsOn.length === 0) return true;
  const [row] = await db.query<{ done: number }>(`SELECT count(*)::int AS done FROM tasks WHERE id = ANY($1::text[]) AND state = 'done'`, [task.dependsOn]);
  return (row?.done ?? 0) === new Set(task.dependsOn).size;
}

function claimed(context: PostgresContext, tx: WriteTransaction, task: Task, instanceId: string, leaseMs: number): Promise<Task> {
  const now = context.clock();
  return writeTask(
    tx,
    {
      ...task,
      state: 'claimed',
      owner: instanceId,
      leaseExpiresAt: new Date(now + leaseMs).toISOString(),
      epoch: task.epoch + 1,
      attempts: task.attempts + 1,
      updatedAt: new Date(now).toISOString(),
    },
    task.state === 'claimed' ? 'claimed_after_expiry' : 'claimed',
  );
}

/** Adds an open task at the end of the board; a used id → `conflict`. */
export function createTask(context: PostgresContext, input: NewTask): Promise<Task> {
  const parsed = validateInput(newTaskSchema, input, 'task');
  return writeTransaction(context, async (tx) => {
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
    .filter((task) => (query.state === undefined || task.state === query.state) && (query.owner === undefined || task.owner === query.owner));
}

/** Claims one task under its row lock: exactly one of racing claimers wins, the others get `conflict`. */
export function claimTask(context: PostgresContext, taskId: string, instanceId: string, options: ClaimOptions): Promise<Task> {
  const leaseMs = checkLease(options);
  const id = validateInput(idSchema, taskId, 'task id');
  const claimer = validateInput(instanceIdSchema, instanceId, 'instance id');
  return writeTransaction(context, async (tx) => {
    await requireInstance(context, tx, claimer, 'claimer');
    const task = await mustLock(context, tx, id);
    const available = task.state === 'open' || (task.state === 'claimed' && !leaseLive(context, task));
    if (!available) throw new StoreError('conflict', `task ${id} is ${task.state}${task.owner === null ? '' : ` by ${task.owner}`}`);
    if (!(await dependenciesDone(tx, task))) throw new StoreError('conflict', `task ${id} waits on ${task.dependsOn.join(', ')}`);
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
    requireOwner(context, task, instanceId, 'renew');
    const now = context.clock();
    return writeTask(tx, { ...task, leaseExpiresAt: new Date(now + leaseMs).toISOString(), updatedAt: new Date(now).toISOString() }, 'renewed');
  });
}

/** Completes a task with evidence; only the owner with a live lease may. */
export function completeTask(context: PostgresContext, taskId: string, instanceId: string, input: TaskCompletion): Promise<Task> {
  const completion = validateInput(taskCompletionSchema, input, 'task completion');
  return writeTransaction(context, async (tx) => {
    const task = await mustLock(context, tx, taskId);
    requireOwner(context, task, instanceId, 'complete');
    const done: Task = { ...task, state: 'done', leaseExpiresAt: null, result: completion.result, evidence: completion.evidence, updatedAt: nowIso(context) };
    return writeTask(tx, done, 'completed');
  });
}

/** Fails a task with a reason; only the owner with a live lease may. */
export function failTask(context: PostgresContext, taskId: string, instanceId: string, reason: string): Promise<Task> {
  const why = validateInput(textSchema.refine((value) => value.trim().length > 0, 'a failure needs a reason'), reason, 'failure reason');
  return writeTransaction(context, async (tx) => {
    const task = await mustLock(context, tx, taskId);
    requireOwner(context, task, instanceId, 'fail');
    return writeTask(tx, { ...task, state: 'failed', leaseExpiresAt: null, result: why, updatedAt: nowIso(context) }, 'failed');
  });
}

/** Puts a claimed task back on the board; only its owner may. */
export function releaseTask(context: PostgresContext, taskId: string, instanceId: string): Promise<Task> {
  return writeTransaction(context, async (tx) => {
    const task = await mustLock(context, tx, taskId);
    if (task.state !== 'claimed' || task.owner !== instanceId) {
      throw new StoreError('not_owner', `${instanceId} cannot release task ${task.id}: it is ${task.state}${task.owner === null ? '' : ` by ${task.owner}`}`);
    }
    return writeTask(tx, { ...task, state: 'open', owner: null, leaseExpiresAt: null, updatedAt: nowIso(context) }, 'released');
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
      reoffered.push(await writeTask(tx, { ...task, state: 'open', owner: null, leaseExpiresAt: null, updatedAt: nowIso(context) }, 'lease_expired'));
    }
    return reoffered;
  });
}
