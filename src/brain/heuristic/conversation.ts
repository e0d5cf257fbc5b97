import { createHash } from 'node:crypto';
import type { Message } from '../../protocol/index.js';
import { evidenceOfText } from './audit-result.js';
import { leaseResult, memoryHitsResult, tasksResult } from './heuristic-state.js';
import { act, tryUse, use } from './tool-calls.js';
import type { TurnScope } from './turn-scope.js';

const FOCUS = /\bfocus (?:on|onto)\s+([\w./-]+)/i;

/** Most words a memory query built from a question keeps (search_memory takes at most 1,000 characters). */
const QUERY_WORDS = 40;

/**
 * The words of a question worth searching memory for: distinct, in order, at most QUERY_WORDS of them, so a
 * question of any length (the store takes 64 KiB) becomes a query the search_memory tool accepts.
 */
export function memoryQueryOf(question: string): string {
  const words = new Set<string>();
  for (const match of question.matchAll(/[\p{L}\p{N}_./-]{2,60}/gu)) {
    words.add(match[0].toLowerCase());
    if (words.size >= QUERY_WORDS) break;
  }
  return [...words].join(' ').slice(0, 1000);
}

/** An answer from collective memory: the best matches with their evidence, or an honest "nothing yet". */
async function answerFromMemory(scope: TurnScope, question: string): Promise<string> {
  const hits = await use(scope.tools, 'search_memory', { query: memoryQueryOf(question), limit: 4 }, memoryHitsResult);
  if (hits.length === 0) return `I have nothing in collective memory about that yet.`;
  return hits
    .map((hit, index) => {
      const evidence = evidenceOfText(hit.item.content).slice(0, 3);
      return `${index + 1}. ${hit.item.content.split('\n')[0] ?? ''} (${hit.item.kind} by ${hit.item.author}${evidence.length > 0 ? `; ${evidence.join(', ')}` : ''})`;
    })
    .join('\n');
}

async function statusReport(scope: TurnScope): Promise<string> {
  const tasks = await use(scope.tools, 'list_tasks', {}, tasksResult);
  const count = (state: string): number => tasks.filter((task) => task.state === state).length;
  const lease = await tryUse(scope.tools, 'coordinator_lease', { action: 'status' }, leaseResult);
  const peers = scope.context.peers.map((peer) => `${peer.id} ${peer.status}`).join(', ');
  return `Tasks: ${count('done')} done, ${count('claimed')} in progress, ${count('open')} open, ${count('failed')} failed. Coordinator: ${lease?.holder ?? 'nobody'}. Peers: ${peers || 'none'}.`;
}

/** A human's request to focus: the coordinator turns it into a task; anyone else passes it to the coordinator. */
async function handleFocus(scope: TurnScope, message: Message, target: string, isCoordinator: boolean): Promise<string> {
  if (isCoordinator) {
    const id = `task_focus_${createHash('sha256').update(target).digest('hex').slice(0, 12)}`;
    const error = await act(scope.tools, 'create_task', { id, title: `Focus on ${target}`, detail: `Requested by ${message.from}: audit ${target} first.` });
    return error === null ? `Created task ${id} to focus on ${target}.` : `Could not create the focus task: ${error}`;
  }
  const lease = await tryUse(scope.tools, 'coordinator_lease', { action: 'status' }, leaseResult);
  if (lease === null) return `Nobody coordinates right now; I will raise "${target}" when someone takes the role.`;
  await act(scope.tools, 'send_message', { to: lease.holder, type: 'question', content: `focus on ${target} (asked by ${message.from})`, metadata: { focus: target, requestedBy: message.from } });
  return `Passed your request to the coordinator, ${lease.holder}.`;
}

/** Replies to the human and answers peers' questions; reacts to consensus. */
export async function converse(scope: TurnScope, isCoordinator: boolean): Promise<void> {
  for (const message of scope.context.inbox) {
    const focus = FOCUS.exec(message.content)?.[1];
    if (message.from === 'human') {
      const reply = focus !== undefined
        ? await handleFocus(scope, message, focus, isCoordinator)
        : /^\s*status\??\s*$/i.test(message.content)
          ? await statusReport(scope)
          : await answerFromMemory(scope, message.content);
      await act(scope.tools, 'answer', { to: 'human', inReplyTo: message.id, answer: reply });
      scope.notes.push('answered the human');
    } else if (message.type === 'question' && message.from !== scope.self && message.from !== 'orchestrator') {
      if (focus !== undefined && message.metadata.focus !== undefined) {
        if (isCoordinator) await handleFocus(scope, message, focus, true);
        continue;
      }
      await act(scope.tools, 'answer', { to: message.from, inReplyTo: message.id, answer: await answerFromMemory(scope, message.content) });
      scope.notes.push(`answered ${message.from}`);
    }
  }
}
