import type { BoardTask, Task } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';
import type { ToolEnvironment } from './tool-definition.js';

/** Marks each task blocked (with what it waits on) when a task it depends on is not done. */
export async function withBlocked(store: CollectiveStore, tasks: readonly Task[]): Promise<BoardTask[]> {
  const all = new Map((await store.listTasks()).map((task) => [task.id, task]));
  return tasks.map((task) => {
    const waitingOn = task.state === 'open' ? task.dependsOn.filter((id) => all.get(id)?.state !== 'done') : [];
    return { ...task, blocked: waitingOn.length > 0, waitingOn };
  });
}

/** Why claim_task found nothing: no open task, tasks for other roles, or tasks waiting on others. */
export async function nothingToClaim(env: ToolEnvironment): Promise<string> {
  const open = await withBlocked(env.store, await env.store.listTasks({ state: 'open' }));
  if (open.length === 0) return 'nothing to claim: no open task on the board';
  const blocked = open.filter((task) => task.blocked);
  const otherRole = open.filter((task) => !task.blocked && task.requiredRole !== null && task.requiredRole !== env.role);
  const parts = [
    ...(blocked.length === 0 ? [] : [`${blocked.length} blocked until their dependencies are done (${blocked.slice(0, 5).map((task) => `${task.id} waits on ${task.waitingOn.join(', ')}`).join('; ')})`]),
    ...(otherRole.length === 0 ? [] : [`${otherRole.length} for another role (${otherRole.slice(0, 5).map((task) => `${task.id}: ${task.requiredRole ?? ''}`).join(', ')})`]),
  ];
  return `nothing to claim for a ${env.role}: ${parts.length === 0 ? 'no open task fits' : parts.join('; ')}`;
}
