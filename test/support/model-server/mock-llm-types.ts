/** A tool call the mock model makes, or one it sees in the conversation it was sent. */
export interface MockToolCall {
  name: string;
  input: unknown;
  /** Tool call id; the mock makes one up when a reply leaves it out. */
  id?: string;
}

/** A tool result the client sent back: which call it answers and its content as text. */
export interface MockToolResult {
  toolCallId: string;
  /** The name of the tool, found from the call it answers ('' when that call is not in the conversation). */
  name: string;
  content: string;
  isError: boolean;
}

/** One message of a request, the same shape whichever API it came through. */
export interface MockLlmMessage {
  /** `tool`: tool results (OpenAI `tool` messages; Anthropic user messages made of tool_result blocks). */
  role: 'user' | 'assistant' | 'tool';
  text: string;
  toolCalls: MockToolCall[];
  toolResults: MockToolResult[];
}

/** The two wire protocols the mock speaks. */
export type MockLlmApi = 'openai-chat' | 'anthropic-messages';

/** One request the mock received, parsed; `body` is the JSON exactly as sent. */
export interface MockLlmRequest {
  api: MockLlmApi;
  path: string;
  stream: boolean;
  model: string;
  /** The system prompt (every system message or block joined). */
  system: string;
  messages: MockLlmMessage[];
  /** Names of the tools offered. */
  tools: string[];
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  body: unknown;
}

/** Token counts the mock reports; unset ones are estimated from the request and the reply. */
export interface MockUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/** What the mock model answers: text, tool calls, or both; or an HTTP error. */
export interface MockReply {
  text?: string;
  toolCalls?: MockToolCall[];
  usage?: MockUsage;
  /** Answer with this HTTP error instead, in the API's error format. */
  error?: { status: number; message: string };
  /** Wait this long before answering (to test aborts and slow servers). */
  delayMs?: number;
}

/** Decides the reply to one request. */
export type MockResponder = (request: MockLlmRequest) => MockReply | Promise<MockReply>;
