import Table from 'cli-table3';
import { summariseCoverage } from '../coverage-summary.js';
import type { Task } from '../../protocol/index.js';
import { TASK_STATES } from '../../protocol/index.js';
import { CliError } from '../cli-error.js';
import { openExistingRun } from '../run-directory.js';
import { renderInstanceTable } from '../status-table.js';
import { hasColour, tableStyle } from '../colour.js';
import { processAlive } from '../../orchestrator/run-lock.js';
import { divergence, personalitySchema } from '../../collective/personality.js';
import { summarizeUsage, usageText } from '../../governor/usage-summary.js';

export interface ReadFlags {
  runDir?: string;
  /** The store to read, when this host has no run directory for it (e.g. postgres://… from another host). */
  store?: string;
  json?: boolean;
}

function print(flags: ReadFlags, value: unknown, human: () => string): void {
  process.stdout.write(flags.json === true ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** `tachikoma status`: the run, its instances, and counts of messages, tasks and memory. */
export async function statusCommand(flags: ReadFlags): Promise<number> {
  const { store, record, paths } = await openExistingRun(flags.runDir, flags.store);
  try {
    const instances = await store.listInstances();
    const tasks = await store.listTasks();
    const taskCounts = Object.fromEntries(TASK_STATES.map((state) => [state, tasks.filter((task) => task.state === state).length]));
    const live = record?.orchestratorPid !== null && record?.orchestratorPid !== undefined && processAlive(record.orchestratorPid);
    const status = {
      runDirectory: paths.root,
      store: store.location,
      state: record === null ? 'unknown' : live ? 'running' : record.state === 'running' ? 'interrupted' : record.state,
      goal: record?.goal ?? null,
      orchestratorPid: live ? record?.orchestratorPid ?? null : null,
      messages: await store.lastMessageSeq(),
      memory: await store.countMemory(),
      tasks: taskCounts,
      openProposals: (await store.listProposals({ state: 'open' })).length,
      personalityDivergence: divergence(instances.flatMap((record) => {
        const parsed = personalitySchema.safeParse(record.metadata.personality);
        return parsed.success ? [parsed.data] : [];
      })),
      duplicateClaims: tasks.reduce((sum, task) => sum + Math.max(0, task.attempts - 1), 0),
      usage: summarizeUsage(instances),
      coverage: summariseCoverage(await store.listCoverage()),
      instances,
    };
    print(flags, status, () =>
      [
        `run ${status.state} in ${status.runDirectory}${status.orchestratorPid === null ? '' : ` (orchestrator pid ${status.orchestratorPid})`}`,
        `store: ${status.store} · goal: ${status.goal ?? '-'}`,
        `messages ${status.messages} · memory ${status.memory} · tasks ${TASK_STATES.map((state) => `${state} ${taskCounts[state] ?? 0}`).join(', ')} · open votes ${status.openProposals}`,
        `personality divergence ${status.personalityDivergence} · duplicate claims ${status.duplicateClaims}`,
        `spent: ${usageText(status.usage.total)}`,
        `coverage: ${status.coverage.areas} file(s)/area(s), ${status.coverage.reads} read(s), ${status.coverage.instancesPerArea} instance(s) per area`,
        renderInstanceTable(instances),
      ].join('\n'),
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** `tachikoma tasks`: the task board. */
export async function tasksCommand(flags: ReadFlags & { state?: string }): Promise<number> {
  if (flags.state !== undefined && !(TASK_STATES as readonly string[]).includes(flags.state)) {
    throw new CliError(`--state must be one of ${TASK_STATES.join(', ')}`);
  }
  const { store } = await openExistingRun(flags.runDir, flags.store);
  try {
    const tasks = await store.listTasks(flags.state === undefined ? {} : { state: flags.state as Task['state'] });
    print(flags, tasks, () => {
      if (tasks.length === 0) return 'no tasks';
      const table = new Table({ head: ['task', 'state', 'owner', 'role', 'title', 'evidence'], style: tableStyle(hasColour()) });
      for (const task of tasks) {
        table.push([task.id, task.state, task.owner ?? '-', task.requiredRole ?? 'any', task.title.slice(0, 50), task.evidence.slice(0, 2).join(' ').slice(0, 40)]);
      }
      return table.toString();
    });
    return 0;
  } finally {
    await store.close();
  }
}

/** `tachikoma memory search <query>`: collective memory, best matches first. */
export async function memorySearchCommand(query: string[], flags: ReadFlags & { limit?: string }): Promise<number> {
  const limit = flags.limit === undefined ? 10 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError('--limit must be a whole number from 1 to 1000');
  const { store } = await openExistingRun(flags.runDir, flags.store);
  try {
    const hits = await store.searchMemory(query.join(' '), { limit });
    print(flags, hits, () =>
      hits.length === 0
        ? 'no memory matches'
        : hits.map((hit) => `${hit.item.id} [${hit.item.kind}, ${hit.item.author}, importance ${hit.item.importance}]\n  ${hit.item.content.replace(/\n/g, '\n  ')}`).join('\n'),
    );
    return 0;
  } finally {
    await store.close();
  }
}
