import type { Message } from '../protocol/index.js';

/** Which messages start a turn: those that concern the instance, or every one. */
export const WAKE_POLICIES = ['concerned', 'all'] as const;
export type WakePolicy = (typeof WAKE_POLICIES)[number];

/** Broadcast types that are events the collective must react to: tasks ending, votes opening or ending. */
const EVENT_TYPES = new Set<Message['type']>(['task_complete', 'task_failed', 'proposal', 'consensus', 'control']);
/** Events published as status messages (`metadata.event`) that wake: a new task on the board. */
const STATUS_EVENTS = new Set(['task_created']);

/** Brains that take their turns for free keep reacting to every message, as they always have. */
const REACTIVE_BRAINS = new Set(['heuristic', 'scripted']);

/** The default policy of a brain: model brains wake only when concerned (a turn costs a model call). */
export function defaultWakePolicy(brain: string): WakePolicy {
  return REACTIVE_BRAINS.has(brain) ? 'all' : 'concerned';
}

/**
 * Does this message start a turn? Under `concerned`: a message to this instance, from the human, a task or
 * vote event (a task created, completed or failed; a vote opened or decided), or an event the orchestrator publishes (a vote closed, a debate round opened). A plain broadcast
 * (a finding, a status, "X voted") does not: it waits in the inbox as context for the next turn.
 */
export function wakes(message: Message, self: string, policy: WakePolicy): boolean {
  if (policy === 'all') return true;
  if (message.to === self || message.from === 'human' || message.from === 'orchestrator' || EVENT_TYPES.has(message.type)) return true;
  return typeof message.metadata.event === 'string' && STATUS_EVENTS.has(message.metadata.event);
}
