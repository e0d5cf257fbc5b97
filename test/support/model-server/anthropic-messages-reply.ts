import type { MockLlmRequest, MockReply } from './mock-llm-types.js';
import type { CacheSplit } from './prompt-cache.js';
import { type SettledToolCall, estimateUsage, pieces, sseFrame } from './reply-parts.js';

/** Anthropic's usage fields: input_tokens excludes what was read from or written to the cache. */
function usageFields(input: number, cache: CacheSplit | undefined): Record<string, number> {
  if (cache === undefined) return { input_tokens: input };
  return { input_tokens: cache.uncached, cache_read_input_tokens: cache.cacheRead, cache_creation_input_tokens: cache.cacheWrite };
}

function contentBlocks(reply: MockReply, calls: readonly SettledToolCall[]): Array<Record<string, unknown>> {
  return [
    ...(reply.text === undefined || reply.text === '' ? [] : [{ type: 'text', text: reply.text }]),
    ...calls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: call.input })),
  ];
}

function stopReason(calls: readonly SettledToolCall[]): string {
  return calls.length > 0 ? 'tool_use' : 'end_turn';
}

/** A non-streaming Messages API response. */
export function anthropicMessage(id: string, reply: MockReply, request: MockLlmRequest, calls: readonly SettledToolCall[], cache?: CacheSplit): unknown {
  const usage = estimateUsage(reply, request, calls);
  return {
    id, type: 'message', role: 'assistant', model: request.model, content: contentBlocks(reply, calls),
    stop_reason: stopReason(calls), stop_sequence: null, usage: { ...usageFields(usage.input, cache), output_tokens: usage.output },
  };
}

/**
 * A streamed Messages API response as SSE frames: message_start, then per block content_block_start,
 * content_block_delta (text_delta, or input_json_delta in pieces) and content_block_stop, then
 * message_delta (stop_reason, usage) and message_stop.
 */
export function anthropicStream(id: string, reply: MockReply, request: MockLlmRequest, calls: readonly SettledToolCall[], cache?: CacheSplit): string[] {
  const usage = estimateUsage(reply, request, calls);
  const event = (type: string, data: Record<string, unknown>): string => sseFrame({ type, ...data }, type);
  const frames = [
    event('message_start', {
      message: { id, type: 'message', role: 'assistant', model: request.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usageFields(usage.input, cache), output_tokens: 1 } },
    }),
  ];
  let index = 0;
  if (reply.text !== undefined && reply.text !== '') {
    frames.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const piece of pieces(reply.text, 16)) frames.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    frames.push(event('content_block_stop', { index }));
    index += 1;
  }
  for (const call of calls) {
    frames.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }));
    for (const piece of pieces(call.arguments, 24)) frames.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }));
    frames.push(event('content_block_stop', { index }));
    index += 1;
  }
  frames.push(event('message_delta', { delta: { stop_reason: stopReason(calls), stop_sequence: null }, usage: { output_tokens: usage.output } }));
  frames.push(event('message_stop', {}));
  return frames;
}

/** An error body in Anthropic's format. */
export function anthropicError(status: number, message: string): unknown {
  const type = status === 401 ? 'authentication_error' : status === 403 ? 'permission_error' : status === 404 ? 'not_found_error' : status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return { type: 'error', error: { type, message } };
}
