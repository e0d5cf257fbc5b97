import type { MockLlmRequest, MockReply, MockResponder, MockToolCall, MockToolResult } from './mock-llm-types.js';

/** The tool results that end the conversation: the answers to the model's last tool calls ([] on a fresh turn). */
export function trailingToolResults(request: MockLlmRequest): MockToolResult[] {
  const results: MockToolResult[] = [];
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index];
    if (message?.role !== 'tool') break;
    results.unshift(...message.toolResults);
  }
  return results;
}

/**
 * The turn prompt of a Tachikoma brain: the last user message (those before it are the instance's notebook,
 * its own earlier turns; the messages after it are this turn's steps).
 */
export function turnPromptText(request: MockLlmRequest): string {
  return request.messages.findLast((message) => message.role === 'user')?.text ?? '';
}

/** The turn prompt (see turnPromptText); the name from before instances kept a notebook. */
export const firstUserText = turnPromptText;

/** Every tool call the instance made in earlier turns, as its notebook replays them before the turn prompt. */
export function notebookToolCalls(request: MockLlmRequest): Array<{ call: MockToolCall; result: MockToolResult | undefined }> {
  const last = request.messages.findLastIndex((message) => message.role === 'user');
  const earlier = request.messages.slice(0, Math.max(0, last));
  const results = earlier.flatMap((message) => message.toolResults);
  return earlier.flatMap((message) => message.toolCalls.map((call) => ({ call, result: results.find((result) => result.toolCallId === call.id) })));
}

/** The instance a Tachikoma system prompt speaks to ("You are instance_2, …"), if any (other "You are …" lines are skipped). */
export function instanceIdOf(request: MockLlmRequest): string | undefined {
  return /\bYou are ([a-z][a-z0-9_-]{0,63}),/.exec(request.system)?.[1];
}

/** Whether a tool result's content reports success (`"ok":true` in a Tachikoma ToolResult). */
export function succeeded(result: MockToolResult): boolean {
  return !result.isError && /^\{"ok":true\b/.test(result.content);
}

/** Replies from a queue, in order; once it is empty, with `whenEmpty` (default: a short text). */
export function replyQueue(replies: readonly MockReply[], whenEmpty: MockReply = { text: '(mock: no more scripted replies)' }): MockResponder & { remaining(): number } {
  const queue = [...replies];
  const respond = (): MockReply => queue.shift() ?? whenEmpty;
  return Object.assign(respond, { remaining: () => queue.length });
}

/**
 * Calls a tool first; once its result comes back, replies with `then` — a fixed reply, or one built from
 * the result (e.g. text quoting it, or the next tool call).
 */
export function toolThen(call: MockToolCall, then: MockReply | ((result: MockToolResult, request: MockLlmRequest) => MockReply)): MockResponder {
  return (request) => {
    const result = trailingToolResults(request).find((entry) => entry.name === call.name);
    if (result === undefined) return { toolCalls: [call] };
    return typeof then === 'function' ? then(result, request) : then;
  };
}

/** Routes each request to the responder of the instance named in its system prompt, else to `fallback`. */
export function byInstance(responders: Readonly<Record<string, MockResponder>>, fallback: MockResponder = () => ({ text: 'nothing to do' })): MockResponder {
  return (request) => {
    const id = instanceIdOf(request);
    return (id === undefined ? undefined : responders[id])?.(request) ?? fallback(request);
  };
}

/** One step of a plan: a tool call, possibly built from the request (undefined = not possible yet). */
export interface PlanStep {
  call: MockToolCall | ((request: MockLlmRequest) => MockToolCall | undefined);
  /** Whether the call's result counts as done (default: `succeeded`); otherwise the step runs again next turn. */
  accept?: (result: MockToolResult) => boolean;
}

/** A plan's progress, for assertions. */
export interface PlanProgress {
  readonly completed: number;
  readonly finished: boolean;
}

/**
 * A stateful model that works through `steps` in order, one tool call per request, across turns: a step is
 * done when its result comes back accepted; a refused one ends the turn and is tried again next turn; a step
 * whose call cannot be built yet ends the turn with `waitingText`. After the last step it replies `doneText`.
 */
export function planResponder(steps: readonly PlanStep[], texts: { waitingText?: string; doneText?: string } = {}): MockResponder & PlanProgress {
  let completed = 0;
  let pendingId: string | undefined;
  let counter = 0;
  const respond = (request: MockLlmRequest): MockReply => {
    const answer = pendingId === undefined ? undefined : trailingToolResults(request).find((result) => result.toolCallId === pendingId);
    if (answer !== undefined) {
      pendingId = undefined;
      const step = steps[completed];
      if (!(step?.accept ?? succeeded)(answer)) return { text: `step ${completed + 1} was refused (${answer.content.slice(0, 200)}); trying again next turn` };
      completed += 1;
    }
    const step = steps[completed];
    if (step === undefined) return { text: texts.doneText ?? `all ${steps.length} steps done` };
    const call = typeof step.call === 'function' ? step.call(request) : step.call;
    if (call === undefined) return { text: texts.waitingText ?? `waiting before step ${completed + 1}` };
    counter += 1;
    pendingId = call.id ?? `plan_${counter}_${completed + 1}`;
    return { toolCalls: [{ ...call, id: pendingId }] };
  };
  return Object.defineProperties(respond, {
    completed: { get: () => completed },
    finished: { get: () => completed >= steps.length },
  }) as MockResponder & PlanProgress;
}
