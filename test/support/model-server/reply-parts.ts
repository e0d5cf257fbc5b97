import type { MockLlmRequest, MockReply } from './mock-llm-types.js';

/** A tool call of a reply with its id settled and its input as JSON text. */
export interface SettledToolCall {
  id: string;
  name: string;
  input: unknown;
  arguments: string;
}

/** The reply's tool calls, with an id for each (`prefix` + a counter unless the reply names one). */
export function settleToolCalls(reply: MockReply, nextId: () => string): SettledToolCall[] {
  return (reply.toolCalls ?? []).map((call) => ({ id: call.id ?? nextId(), name: call.name, input: call.input ?? {}, arguments: JSON.stringify(call.input ?? {}) }));
}

/** Token counts: the reply's own, else about one token per four characters of request and reply. */
export function estimateUsage(reply: MockReply, request: MockLlmRequest, calls: readonly SettledToolCall[]): { input: number; output: number } {
  const replyChars = (reply.text ?? '').length + calls.reduce((sum, call) => sum + call.name.length + call.arguments.length, 0);
  return {
    input: reply.usage?.inputTokens ?? Math.max(1, Math.ceil((JSON.stringify(request.body) ?? '').length / 4)),
    output: reply.usage?.outputTokens ?? Math.max(1, Math.ceil(replyChars / 4)),
  };
}

/** Cuts text into pieces of at most `size` characters (streams send text a little at a time). */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length; start += size) out.push(text.slice(start, start + size));
  return out;
}

/** One server-sent event; `event` is omitted for OpenAI-style streams. */
export function sseFrame(data: unknown, event?: string): string {
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
