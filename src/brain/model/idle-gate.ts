import type { TurnContext, TurnOutcome } from '../brain.js';

/** Longest an idle LLM instance goes without asking its model anything, even when nothing changed. */
export const DEFAULT_MAX_IDLE_INTERVAL_MS = 10 * 60_000;

/**
 * What a turn's decision depends on, apart from time: the inbox, the instance's task and its lease, the open
 * tasks, the memory it is shown, the newest message it can see, and who its peers are and what they hold.
 * Peers' statuses and heartbeats are left out: they change all the time and call for no decision.
 */
export function contextFingerprint(context: TurnContext): string {
  const task = context.currentTask;
  return JSON.stringify([
    context.inbox.map((message) => message.id),
    task === null ? null : [task.id, task.state, task.leaseExpiresAt],
    context.openTasks.map((entry) => entry.id),
    context.memory.map((item) => item.id),
    context.recentMessages.at(-1)?.seq ?? 0,
    context.peers.map((peer) => [peer.id, peer.role, peer.currentTask]),
    context.openProposals.map((proposal) => [proposal.id, proposal.round, proposal.votedByMe]),
  ]);
}

/**
 * Whether this turn offers the instance nothing it could act on: it holds no task and none is open for it to
 * claim, it has no vote to cast, no notice, no question and no message to it or from the human, and someone
 * else coordinates (a coordinator reacts to every task event; with nobody coordinating, someone must take the
 * role). Task and vote events wake every instance; for most of them, most instances have nothing to do.
 */
export function nothingToActOn(context: TurnContext): boolean {
  const self = context.instance.id;
  if (context.currentTask !== null || context.notices.length > 0) return false;
  if (context.coordinator === null || context.coordinator.holder === self) return false;
  if (context.inbox.some((message) => message.to === self || message.from === 'human' || message.type === 'question')) return false;
  return !context.openTasks.some((task) => !task.blocked) && context.openProposals.every((proposal) => proposal.votedByMe);
}

/**
 * Keeps an idle LLM instance from calling its model on every idle check: a turn is skipped when the inbox is
 * empty, the model had nothing to do last time, and nothing it would decide on has changed since — until
 * `maxIdleMs` has passed since the last model call (claims expire, votes close; a look now and then is cheap).
 * A turn with nothing to act on (see nothingToActOn) is skipped as well, messages or not: its messages stay in
 * the recent messages the next turn shows.
 */
export class IdleGate {
  private lastFingerprint: string | undefined;
  private lastCallAt: number;

  constructor(
    private readonly maxIdleMs = DEFAULT_MAX_IDLE_INTERVAL_MS,
    private readonly clock: () => number = Date.now,
  ) {
    this.lastCallAt = clock();
  }

  /** The outcome of a turn that needs no model call, or undefined when the model must be asked. */
  skip(context: TurnContext): TurnOutcome | undefined {
    if (this.clock() - this.lastCallAt >= this.maxIdleMs) return undefined;
    if (nothingToActOn(context)) return { summary: 'idle: nothing to act on (no task to hold or claim, no vote to cast, no message to me)', idle: true, skipped: true };
    if (this.lastFingerprint === undefined || context.inbox.length > 0 || context.notices.length > 0) return undefined;
    if (contextFingerprint(context) !== this.lastFingerprint) return undefined;
    return { summary: 'idle: nothing changed since the last turn', idle: true, skipped: true };
  }

  /** Records a turn the model was asked about: an idle one arms the gate, any other disarms it. */
  record(context: TurnContext, outcome: TurnOutcome): void {
    this.lastCallAt = this.clock();
    this.lastFingerprint = outcome.idle && outcome.unhandled !== true ? contextFingerprint(context) : undefined;
  }
}
