import type { ModelMessage } from 'ai';
import type { TurnContext, ToolResult } from '../brain.js';
import type { Notebook, NotebookEntry, NotebookTurn } from '../notebook.js';
import { renderToolResult } from './render-tool-result.js';
import { clip } from './clip.js';

/** Longest tool result a notebook keeps whole, in characters (compaction may cut it further). */
export const NOTEBOOK_RESULT_CHARS = 6000;
/** Most proposal ids a notebook remembers voting on or learning from. */
const MAX_REMEMBERED_PROPOSALS = 50;

/** What the notebook needs of one model step: its text, the tools it called and what they returned. */
export interface StepRecord {
  text: string;
  toolCalls: ReadonlyArray<{ toolCallId: string; toolName: string; input: unknown }>;
  /** `output`: a ToolResult (the tool box's answer), or text as another tool runner reported it, with `isError`. */
  toolResults: ReadonlyArray<{ toolCallId: string; output: unknown; isError?: boolean }>;
}

function isToolResult(value: unknown): value is ToolResult {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean';
}

/** Longest string field of a call's input a notebook keeps (a report's whole text need not ride along). */
const NOTEBOOK_INPUT_CHARS = 4000;

/** A call's input with long string fields cut, so one large write cannot crowd out everything else. */
function boundedInput(input: unknown): unknown {
  if (typeof input === 'string') return input.length <= NOTEBOOK_INPUT_CHARS ? input : `${input.slice(0, NOTEBOOK_INPUT_CHARS)}… [cut: ${input.length} characters in all]`;
  if (Array.isArray(input)) return input.map(boundedInput);
  if (typeof input !== 'object' || input === null) return input ?? {};
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [key, boundedInput(value)]));
}

/** One step's entries: its text, then each call with its result (a call that returned nothing says so). */
function stepEntries(step: StepRecord, iteration: number, index: number): NotebookEntry[] {
  const entries: NotebookEntry[] = [];
  if (step.text.trim() !== '') entries.push({ kind: 'text', text: clip(step.text, 4000) });
  step.toolCalls.forEach((call, position) => {
    const answer = step.toolResults.find((result) => result.toolCallId === call.toolCallId);
    const id = `t${iteration}s${index}c${position}`;
    const input = boundedInput(call.input ?? {});
    if (typeof answer?.output === 'string') {
      const text = answer.output.length <= NOTEBOOK_RESULT_CHARS ? answer.output : `${answer.output.slice(0, NOTEBOOK_RESULT_CHARS)}… [cut: ${answer.output.length} characters in all]`;
      entries.push({ kind: 'call', id, tool: call.toolName, input, ok: answer.isError !== true, result: text });
      return;
    }
    const result: ToolResult = isToolResult(answer?.output) ? answer.output : { ok: false, error: 'the call returned no result' };
    entries.push({ kind: 'call', id, tool: call.toolName, input, ok: result.ok, result: renderToolResult(result, NOTEBOOK_RESULT_CHARS) });
  });
  return entries;
}

/** What prompted a turn, in one line: the inbox's senders and first words, or its absence. */
export function turnCue(context: Pick<TurnContext, 'inbox' | 'currentTask'>): string {
  const task = context.currentTask === null ? '' : ` · holding ${context.currentTask.id}`;
  if (context.inbox.length === 0) return `no new messages${task}`;
  const first = context.inbox.slice(0, 3).map((message) => `${message.id} from ${message.from} (${message.type}): ${clip(message.content, 100)}`);
  return `${context.inbox.length} new message(s): ${first.join(' | ')}${context.inbox.length > 3 ? ' | …' : ''}${task}`;
}

function remember(list: readonly string[], ids: readonly string[]): string[] {
  const next = [...list.filter((id) => !ids.includes(id)), ...ids];
  return next.slice(-MAX_REMEMBERED_PROPOSALS);
}

/** Proposal ids of the successful `vote` calls among `entries`. */
function votedIn(entries: readonly NotebookEntry[]): string[] {
  return entries.flatMap((entry) => {
    if (entry.kind !== 'call' || entry.tool !== 'vote' || !entry.ok) return [];
    const id = (entry.input as { proposalId?: unknown } | null)?.proposalId;
    return typeof id === 'string' ? [id] : [];
  });
}

/**
 * The notebook with one more turn: its steps as entries, after the turns before it. A turn replayed after a
 * crash (same iteration) replaces the one saved before, so nothing is counted twice. A turn with no message
 * and no call (an idle check) is not recorded.
 */
export function recordTurn(notebook: Notebook, context: Pick<TurnContext, 'inbox' | 'currentTask' | 'instance'>, steps: readonly StepRecord[], at: string): Notebook {
  const iteration = context.instance.iteration;
  const turn: NotebookTurn = { iteration, at, cue: turnCue(context), steps: steps.map((step, index) => stepEntries(step, iteration, index)).filter((entries) => entries.length > 0) };
  // A quiet look around that called nothing adds nothing worth its place in every later prompt.
  if (context.inbox.length === 0 && !turn.steps.flat().some((entry) => entry.kind === 'call')) return notebook;
  return {
    ...notebook,
    turns: [...notebook.turns.filter((earlier) => earlier.iteration < iteration), turn],
    voted: remember(notebook.voted, votedIn(turn.steps.flat())),
  };
}

function summaryMessage(notebook: Notebook): ModelMessage[] {
  if (notebook.summary.length === 0) return [];
  const dropped = notebook.compactedTurns - notebook.summary.length;
  const header = `Your notebook: a summary of your own earlier turns, oldest first (${notebook.compactedTurns} compacted${dropped > 0 ? `; the oldest ${dropped} no longer listed` : ''}). These are your actions, not anyone else's.`;
  return [{ role: 'user', content: [header, ...notebook.summary.map((line) => `- ${line}`)].join('\n') }];
}

function stepMessages(step: readonly NotebookEntry[]): ModelMessage[] {
  const text = step.filter((entry) => entry.kind === 'text').map((entry) => entry.text).join('\n');
  const calls = step.filter((entry): entry is Extract<NotebookEntry, { kind: 'call' }> => entry.kind === 'call');
  const assistant: ModelMessage = {
    role: 'assistant',
    content: [
      ...(text === '' ? [] : [{ type: 'text' as const, text }]),
      ...calls.map((call) => ({ type: 'tool-call' as const, toolCallId: call.id, toolName: call.tool, input: call.input })),
    ],
  };
  if (calls.length === 0) return [assistant];
  const results: ModelMessage = {
    role: 'tool',
    content: calls.map((call) => ({ type: 'tool-result' as const, toolCallId: call.id, toolName: call.tool, output: { type: 'text' as const, value: call.result } })),
  };
  return [assistant, results];
}

function turnMessages(turn: NotebookTurn): ModelMessage[] {
  const cue: ModelMessage = { role: 'user', content: `[Your earlier turn ${turn.iteration + 1}, ${turn.at}] ${turn.cue}` };
  const steps = turn.steps.flatMap(stepMessages);
  return [cue, ...(steps.length === 0 ? [{ role: 'assistant' as const, content: '(nothing done)' }] : steps)];
}

/**
 * The notebook as prior messages, stable part first so providers can cache the prefix: the compacted summary
 * (it changes only when the notebook is compacted), then each kept turn as it happened — a user line saying
 * what prompted it, the instance's own calls (assistant) and their results (tool), its own words.
 */
export function notebookMessages(notebook: Notebook): ModelMessage[] {
  return [...summaryMessage(notebook), ...notebook.turns.flatMap(turnMessages)];
}
