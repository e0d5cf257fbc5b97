import { z } from 'zod';
import type { MockLlmRequest, MockReply } from './mock-llm-types.js';
import { type SettledToolCall, estimateUsage, pieces, sseFrame } from './reply-parts.js';

const wantsUsage = z.looseObject({ stream_options: z.looseObject({ include_usage: z.literal(true) }) });

function finishReason(calls: readonly SettledToolCall[]): string {
  return calls.length > 0 ? 'tool_calls' : 'stop';
}

function usageOf(reply: MockReply, request: MockLlmRequest, calls: readonly SettledToolCall[]): Record<string, number> {
  const usage = estimateUsage(reply, request, calls);
  return { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output };
}

/** A non-streaming chat completion (`object: chat.completion`). */
export function openAiChatCompletion(id: string, reply: MockReply, request: MockLlmRequest, calls: readonly SettledToolCall[]): unknown {
  const message: Record<string, unknown> = { role: 'assistant', content: reply.text ?? null };
  if (calls.length > 0) message.tool_calls = calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  return {
    id, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: request.model,
    choices: [{ index: 0, message, finish_reason: finishReason(calls), logprobs: null }],
    usage: usageOf(reply, request, calls),
  };
}

/**
 * A streamed chat completion as SSE frames: a role chunk, text deltas, each tool call (id and name, then its
 * arguments in pieces), the finish chunk, a usage chunk when `stream_options.include_usage` asked, `[DONE]`.
 */
export function openAiChatStream(id: string, reply: MockReply, request: MockLlmRequest, calls: readonly SettledToolCall[]): string[] {
  const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: request.model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string => sseFrame({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const frames = [chunk({ role: 'assistant', content: '' })];
  for (const piece of pieces(reply.text ?? '', 16)) frames.push(chunk({ content: piece }));
  calls.forEach((call, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of pieces(call.arguments, 24)) frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  frames.push(chunk({}, finishReason(calls)));
  if (wantsUsage.safeParse(request.body).success) frames.push(sseFrame({ ...base, choices: [], usage: usageOf(reply, request, calls) }));
  frames.push(sseFrame('[DONE]'));
  return frames;
}

/** An error body in OpenAI's format. */
export function openAiError(status: number, message: string): unknown {
  const type = status === 401 ? 'invalid_request_error' : status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: null } };
}
