import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { anthropicError, anthropicMessage, anthropicStream } from './anthropic-messages-reply.js';
import type { MockLlmApi, MockLlmRequest, MockReply, MockResponder } from './mock-llm-types.js';
import { openAiChatCompletion, openAiChatStream, openAiError } from './openai-chat-reply.js';
import { MockRequestError, parseLlmRequest } from './parse-llm-request.js';
import { type CacheSplit, PromptCacheSimulator } from './prompt-cache.js';
import { settleToolCalls } from './reply-parts.js';

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Where the mock listens and how it answers. */
export interface MockLlmServerOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  respond: MockResponder;
  /** Simulate Anthropic's prompt cache from the requests' cache_control markers (default true). */
  promptCache?: boolean;
}

/** A running mock LLM server. */
export interface MockLlmServer {
  /** `http://127.0.0.1:PORT` (no path): add `/v1` for a client's base URL. */
  readonly url: string;
  readonly port: number;
  /** Every request received, parsed, in arrival order (including ones answered with an error). */
  readonly requests: readonly MockLlmRequest[];
  /** For each Anthropic request (in arrival order), how its input split between cache reads, writes and the rest. */
  readonly cacheSplits: readonly CacheSplit[];
  /** Stops listening, drops open connections and resolves once the server is closed. */
  close(): Promise<void>;
}

function routeOf(pathname: string): MockLlmApi | undefined {
  if (pathname.endsWith('/chat/completions')) return 'openai-chat';
  if (pathname.endsWith('/messages')) return 'anthropic-messages';
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new MockRequestError(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headersOf(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value ?? '']));
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, api: MockLlmApi | undefined, status: number, message: string): void {
  sendJson(response, status, api === 'anthropic-messages' ? anthropicError(status, message) : openAiError(status, message));
}

/**
 * Starts a mock LLM server on 127.0.0.1 that speaks OpenAI chat completions (`POST …/chat/completions`) and
 * Anthropic Messages (`POST …/messages`), streaming (SSE) or not, with tool calls, answering each request
 * with what `respond` returns. Every request is recorded, parsed, for assertions. For tests: no network.
 */
export async function startMockLlmServer(options: MockLlmServerOptions): Promise<MockLlmServer> {
  const requests: MockLlmRequest[] = [];
  const cacheSplits: CacheSplit[] = [];
  const promptCache = options.promptCache === false ? undefined : new PromptCacheSimulator();
  let counter = 0;
  const nextId = (prefix: string): string => `${prefix}${(counter += 1).toString().padStart(4, '0')}`;

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
    const api = routeOf(url.pathname);
    if (incoming.method !== 'POST' || api === undefined) {
      sendError(response, api, 404, `the mock LLM serves POST /v1/chat/completions and POST /v1/messages, not ${incoming.method ?? '?'} ${url.pathname}`);
      return;
    }
    let request: MockLlmRequest;
    try {
      const text = await readBody(incoming);
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        throw new MockRequestError('request body is not JSON');
      }
      request = parseLlmRequest(api, url.pathname + url.search, headersOf(incoming), body);
    } catch (error) {
      sendError(response, api, 400, error instanceof Error ? error.message : String(error));
      return;
    }
    requests.push(request);
    let reply: MockReply;
    try {
      reply = await options.respond(request);
    } catch (error) {
      sendError(response, api, 500, `mock responder failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (reply.delayMs !== undefined && reply.delayMs > 0) await sleep(reply.delayMs);
    if (reply.error !== undefined) {
      sendError(response, api, reply.error.status, reply.error.message);
      return;
    }
    const anthropic = api === 'anthropic-messages';
    // Usage a reply sets explicitly is reported as it is, without a cache.
    const cache = anthropic && promptCache !== undefined && reply.usage?.inputTokens === undefined ? promptCache.split(request.body) : undefined;
    if (cache !== undefined) cacheSplits.push(cache);
    const calls = settleToolCalls(reply, () => nextId(anthropic ? 'toolu_mock_' : 'call_mock_'));
    const id = nextId(anthropic ? 'msg_mock_' : 'chatcmpl-mock-');
    if (!request.stream) {
      sendJson(response, 200, anthropic ? anthropicMessage(id, reply, request, calls, cache) : openAiChatCompletion(id, reply, request, calls));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (const frame of anthropic ? anthropicStream(id, reply, request, calls, cache) : openAiChatStream(id, reply, request, calls)) response.write(frame);
    response.end();
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, undefined, 500, String(error));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    cacheSplits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
