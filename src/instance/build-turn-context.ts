import type { TurnContext } from '../brain/brain.js';
import { NOTEBOOK_NAMESPACE } from '../brain/notebook.js';
import type { MemoryItem, Message, Role, Task } from '../protocol/index.js';
import { packContext, retrieveMemory } from '../memory/index.js';
import { COORDINATOR_LEASE } from '../collective/roles.js';
import type { CollectiveStore } from '../store/index.js';
import { withBlocked } from '../tools/board-views.js';
import { coverageFor, openProposalsFor } from './turn-board.js';

/** Caps that keep a turn's context bounded however much the collective knows. */
export const CONTEXT_LIMITS = { memory: 8, recentMessages: 20, openTasks: 20, recentWindow: 200 } as const;

export interface TurnContextInput {
  store: CollectiveStore;
  self: string;
  role: Role;
  iteration: number;
  goal: string;
  workspace: string;
  inbox: Message[];
  currentTaskId: string | null;
  metadata: Record<string, unknown>;
  /** What the runtime must tell the model this turn (leases lost). */
  notices?: string[];
}

/** Token budget of the memory a turn carries, however large collective memory grows. */
export const MEMORY_CONTEXT_TOKENS = 2000;

/**
 * Relevant memory: scored by relevance to what the inbox (or, when quiet, the goal) is about, importance and
 * recency, deduplicated, and packed into a fixed token budget.
 */
async function relevantMemory(store: CollectiveStore, inbox: readonly Message[], goal: string): Promise<MemoryItem[]> {
  const query = inbox.length > 0 ? inbox.map((message) => message.content).join(' ').slice(0, 2000) : goal;
  const scored = await retrieveMemory(store, { query, limit: CONTEXT_LIMITS.memory });
  return packContext(scored, MEMORY_CONTEXT_TOKENS).items.map((entry) => entry.item);
}

async function coordinatorOf(store: CollectiveStore): Promise<{ holder: string; expiresAt: string } | null> {
  const lease = await store.getRoleLease(COORDINATOR_LEASE);
  return lease === null ? null : { holder: lease.holder, expiresAt: lease.expiresAt };
}

/** Assembles one turn's context from the store. */
export async function buildTurnContext(input: TurnContextInput): Promise<TurnContext> {
  const { store, self } = input;
  const last = await store.lastMessageSeq();
  const recent = await store.readMessages({
    audience: { instance: self },
    after: Math.max(0, last - CONTEXT_LIMITS.recentWindow),
    limit: CONTEXT_LIMITS.recentWindow,
  });
  let currentTask: Task | null = null;
  if (input.currentTaskId !== null) {
    const task = await store.getTask(input.currentTaskId);
    currentTask = task !== null && task.state === 'claimed' && task.owner === self ? task : null;
  }
  const open = (await store.listTasks({ state: 'open' })).filter((task) => task.requiredRole === null || task.requiredRole === input.role);
  // Claimable ones first: a blocked task is shown, marked, after them.
  const board = await withBlocked(store, open);
  const openTasks = [...board.filter((task) => !task.blocked), ...board.filter((task) => task.blocked)].slice(0, CONTEXT_LIMITS.openTasks);
  return {
    instance: { id: self, role: input.role, iteration: input.iteration, metadata: input.metadata },
    goal: input.goal,
    workspace: input.workspace,
    inbox: input.inbox,
    currentTask,
    memory: await relevantMemory(store, input.inbox, input.goal),
    recentMessages: recent.slice(-CONTEXT_LIMITS.recentMessages),
    peers: (await store.listInstances()).filter((record) => record.id !== self),
    openTasks,
    openProposals: await openProposalsFor(store, self),
    coverage: await coverageFor(store, self),
    coordinator: await coordinatorOf(store),
    notices: input.notices ?? [],
    notebook: (await store.getDocument(NOTEBOOK_NAMESPACE, self))?.value ?? null,
  };
}
