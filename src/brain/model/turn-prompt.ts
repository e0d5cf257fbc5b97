import type { InstanceRecord, MemoryItem, Message, Task } from '../../protocol/index.js';
import type { TurnContext } from '../brain.js';
import { clip } from './clip.js';
import { blockedBy, briefLine, lifecycleSections } from './lifecycle-hint.js';

/** How much of each section of the turn prompt the model sees; the rest is one tool call away. */
export const TURN_PROMPT_LIMITS = {
  inbox: 20,
  inboxChars: 1000,
  recentMessages: 10,
  recentChars: 300,
  memory: 8,
  memoryChars: 500,
  openTasks: 10,
  taskChars: 400,
  peers: 16,
  /** Hard ceiling on the whole prompt, in characters. */
  totalChars: 24_000,
} as const;

export { clip };

function section<T>(title: string, items: readonly T[], cap: number, render: (item: T) => string, empty: string, more: string): string[] {
  if (items.length === 0) return [`## ${title}`, empty, ''];
  const shown = items.slice(0, cap).map((item) => `- ${render(item)}`);
  const rest = items.length - shown.length;
  return [`## ${title} (${items.length})`, ...shown, ...(rest > 0 ? [`- … ${rest} more (${more})`] : []), ''];
}

function evidenceOf(message: Message): string {
  const evidence = message.metadata.evidence;
  if (!Array.isArray(evidence) || evidence.length === 0) return '';
  const refs = evidence.filter((entry): entry is string => typeof entry === 'string').slice(0, 5);
  return refs.length === 0 ? '' : ` [evidence: ${refs.join(', ')}${evidence.length > refs.length ? ', …' : ''}]`;
}

function inboxLine(message: Message): string {
  const reply = typeof message.metadata.inReplyTo === 'string' ? ` in reply to ${message.metadata.inReplyTo}` : '';
  return `${message.id} #${message.seq} from ${message.from} to ${message.to}, ${message.type}${reply}: ${clip(message.content, TURN_PROMPT_LIMITS.inboxChars)}${evidenceOf(message)}`;
}

function recentLine(message: Message): string {
  return `#${message.seq} ${message.from} → ${message.to}, ${message.type}: ${clip(message.content, TURN_PROMPT_LIMITS.recentChars)}`;
}

function memoryLine(item: MemoryItem): string {
  return `${item.id} (${item.kind}, by ${item.author}, importance ${item.importance.toFixed(2)}): ${clip(item.content, TURN_PROMPT_LIMITS.memoryChars)}`;
}

/** Why a task came back to the board (a reopened task keeps the reason as its result until it is done again). */
function sentBack(task: Task): string {
  if (task.result === null || task.state === 'done' || task.state === 'failed') return '';
  return ` — SENT BACK: ${clip(task.result, TURN_PROMPT_LIMITS.taskChars)}`;
}

function taskLine(task: Task): string {
  const role = task.requiredRole === null ? '' : `, for a ${task.requiredRole}`;
  const after = task.dependsOn.length === 0 ? '' : `, after ${task.dependsOn.join(', ')}`;
  const detail = task.detail.trim() === '' ? '' : ` — ${clip(task.detail, TURN_PROMPT_LIMITS.taskChars)}`;
  return `${task.id}: ${clip(task.title, 200)}${role}${after}${blockedBy(task)}${briefLine(task)}${detail}${sentBack(task)}`;
}

function peerLine(peer: InstanceRecord): string {
  const task = peer.currentTask === null ? '' : `, on ${peer.currentTask}`;
  const activity = peer.lastActivity.trim() === '' ? '' : ` — ${clip(peer.lastActivity, 120)}`;
  return `${peer.id} (${peer.role}): ${peer.status}${task}${activity}`;
}

function currentTaskLines(task: Task | null): string[] {
  if (task === null) return ['## Your task', 'none: claim one from the open tasks (claim_task) if one fits your role.', ''];
  const lease = task.leaseExpiresAt === null ? '' : ` Your claim expires at ${task.leaseExpiresAt} unless you finish it.`;
  return ['## Your task', `${taskLine(task)}.${lease}`, `Finish it with complete_task {"taskId":"${task.id}", result, evidence} or fail_task if it cannot be done.`, ''];
}

/**
 * The user prompt of one turn: the TurnContext rendered compactly, each section capped (inbox with message
 * ids, senders, types and content; the current task; open tasks; relevant memory; recent messages; peers),
 * and the whole bounded by TURN_PROMPT_LIMITS.totalChars.
 */
export function buildTurnPrompt(context: TurnContext): string {
  const { instance } = context;
  const lines = [
    `Turn ${instance.iteration + 1} of ${instance.id} (${instance.role}). ${context.inbox.length === 0 ? 'No new messages.' : `${context.inbox.length} new message(s).`}`,
    '',
    ...section('Inbox: new messages, the human\'s first', context.inbox, TURN_PROMPT_LIMITS.inbox, inboxLine, 'empty', 'read_inbox shows them'),
    ...currentTaskLines(context.currentTask),
    ...lifecycleSections(context),
    ...section('Open tasks you could claim', context.openTasks, TURN_PROMPT_LIMITS.openTasks, taskLine, 'none', 'list_tasks shows them'),
    ...section('Relevant memory', context.memory, TURN_PROMPT_LIMITS.memory, memoryLine, 'nothing yet', 'search_memory finds more'),
    ...section('Recent messages, oldest first', context.recentMessages.slice(-TURN_PROMPT_LIMITS.recentMessages), TURN_PROMPT_LIMITS.recentMessages, recentLine, 'none', 'read_inbox shows older ones'),
    ...section('Peers', context.peers, TURN_PROMPT_LIMITS.peers, peerLine, 'none: you are alone', 'peers_status lists them'),
    'Decide what this turn needs and act through your tools; finish with one line saying what you did.',
  ];
  const text = lines.join('\n');
  if (text.length <= TURN_PROMPT_LIMITS.totalChars) return text;
  return `${text.slice(0, TURN_PROMPT_LIMITS.totalChars - 80)}\n… (context cut to fit; use the read tools for the rest)`;
}
