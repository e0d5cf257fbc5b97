import { z } from 'zod';
import type { MockLlmApi, MockLlmMessage, MockLlmRequest, MockToolCall, MockToolResult } from './mock-llm-types.js';

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

const openAiMessage = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() })), z.null()]).optional(),
  tool_calls: z
    .array(z.looseObject({ id: z.string(), function: z.looseObject({ name: z.string(), arguments: z.string() }) }))
    .optional(),
  tool_call_id: z.string().optional(),
});

const openAiBody = z.looseObject({
  model: z.string(),
  messages: z.array(openAiMessage),
  tools: z.array(z.looseObject({ function: z.looseObject({ name: z.string() }) })).optional(),
  stream: z.boolean().optional(),
});

const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() });
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]).optional(),
  is_error: z.boolean().optional(),
});
const anthropicBlock = z.looseObject({ type: z.string() });

const anthropicBody = z.looseObject({
  model: z.string(),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  // Claude Code also sends `system` messages in the list (its environment notes), besides the top-level system.
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant', 'system']), content: z.union([z.string(), z.array(anthropicBlock)]) })),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  stream: z.boolean().optional(),
});

/** Thrown when a request body is not what the API expects; the server answers 400 with its message. */
export class MockRequestError extends Error {
  override readonly name = 'MockRequestError';
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function joinText(parts: ReadonlyArray<{ text?: string | undefined }>): string {
  return parts.map((part) => part.text ?? '').join('');
}

function parseOpenAi(body: unknown): Omit<MockLlmRequest, 'path' | 'headers' | 'body'> {
  const parsed = openAiBody.safeParse(body);
  if (!parsed.success) throw new MockRequestError(`not a chat completions request: ${parsed.error.message}`);
  const names = new Map<string, string>();
  const system: string[] = [];
  const messages: MockLlmMessage[] = [];
  for (const message of parsed.data.messages) {
    const text = typeof message.content === 'string' ? message.content : joinText(message.content ?? []);
    if (message.role === 'system' || message.role === 'developer') {
      system.push(text);
      continue;
    }
    const toolCalls: MockToolCall[] = (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, input: parseArguments(call.function.arguments) }));
    for (const call of toolCalls) names.set(call.id ?? '', call.name);
    const toolResults: MockToolResult[] =
      message.role === 'tool' ? [{ toolCallId: message.tool_call_id ?? '', name: names.get(message.tool_call_id ?? '') ?? '', content: text, isError: false }] : [];
    const role = message.role === 'tool' ? 'tool' : message.role === 'assistant' ? 'assistant' : 'user';
    messages.push({ role, text: role === 'tool' ? '' : text, toolCalls, toolResults });
  }
  return {
    api: 'openai-chat', stream: parsed.data.stream === true, model: parsed.data.model, system: system.join('\n\n'), messages,
    tools: (parsed.data.tools ?? []).map((entry) => entry.function.name),
  };
}

function parseAnthropic(body: unknown): Omit<MockLlmRequest, 'path' | 'headers' | 'body'> {
  const parsed = anthropicBody.safeParse(body);
  if (!parsed.success) throw new MockRequestError(`not a messages request: ${parsed.error.message}`);
  const names = new Map<string, string>();
  const systemMessages: string[] = [];
  const messages: MockLlmMessage[] = parsed.data.messages.flatMap((message): MockLlmMessage[] => {
    if (message.role === 'system') {
      systemMessages.push(typeof message.content === 'string' ? message.content : joinText(message.content.map((block) => textBlock.safeParse(block).data ?? {})));
      return [];
    }
    const blocks = typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
    const texts: string[] = [];
    const toolCalls: MockToolCall[] = [];
    const toolResults: MockToolResult[] = [];
    for (const block of blocks) {
      const text = textBlock.safeParse(block);
      if (text.success) texts.push(text.data.text);
      const call = toolUseBlock.safeParse(block);
      if (call.success) {
        toolCalls.push({ id: call.data.id, name: call.data.name, input: call.data.input });
        names.set(call.data.id, call.data.name);
      }
      const result = toolResultBlock.safeParse(block);
      if (result.success) {
        const { content } = result.data;
        toolResults.push({
          toolCallId: result.data.tool_use_id,
          name: names.get(result.data.tool_use_id) ?? '',
          content: typeof content === 'string' ? content : joinText(content ?? []),
          isError: result.data.is_error === true,
        });
      }
    }
    const role = toolResults.length > 0 ? 'tool' : message.role;
    return [{ role, text: texts.join(''), toolCalls, toolResults }];
  });
  const system = parsed.data.system;
  const systemText = typeof system === 'string' ? system : (system ?? []).map((block) => block.text).join('\n\n');
  return {
    api: 'anthropic-messages', stream: parsed.data.stream === true, model: parsed.data.model,
    system: [systemText, ...systemMessages].filter((text) => text !== '').join('\n\n'), messages, tools: (parsed.data.tools ?? []).map((entry) => entry.name),
  };
}

/** Parses a request body of either API into the mock's request shape. Throws MockRequestError. */
export function parseLlmRequest(api: MockLlmApi, path: string, headers: Record<string, string>, body: unknown): MockLlmRequest {
  const parsed = api === 'openai-chat' ? parseOpenAi(body) : parseAnthropic(body);
  return { ...parsed, path, headers, body };
}
