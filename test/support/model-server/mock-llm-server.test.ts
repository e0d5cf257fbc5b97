import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, type LanguageModel, generateText, stepCountIs, streamText, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type MockLlmServer, type MockResponder, replyQueue, startMockLlmServer, toolThen, trailingToolResults } from './index.js';

let server: MockLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(respond: MockResponder): Promise<MockLlmServer> {
  server = await startMockLlmServer({ respond });
  return server;
}

const CLIENTS: Record<string, (base: string) => LanguageModel> = {
  'openai-compatible': (base) => createOpenAICompatible({ name: 'mock', baseURL: `${base}/v1`, apiKey: 'sk-mock', includeUsage: true }).chatModel('mock-model'),
  anthropic: (base) => createAnthropic({ baseURL: `${base}/v1`, apiKey: 'sk-ant-mock' })('mock-model'),
};

const weather = tool({
  description: 'The weather in a city.',
  inputSchema: z.object({ city: z.string() }),
  execute: ({ city }) => Promise.resolve({ city, sky: 'clear', celsius: 21 }),
});

const loopResponder: MockResponder = toolThen({ name: 'weather', input: { city: 'Niihama' } }, (result) => ({
  text: `The tool said: ${result.content}`,
  usage: { inputTokens: 30, outputTokens: 7 },
}));

describe.each(Object.keys(CLIENTS))('the mock LLM server with the real %s client', (clientName) => {
  const model = (base: string): LanguageModel => {
    const make = CLIENTS[clientName];
    if (make === undefined) throw new Error(clientName);
    return make(base);
  };

  it('runs a non-streaming tool loop and records what the client sent', async () => {
    const mock = await start(loopResponder);
    const result = await generateText({ model: model(mock.url), system: 'be brief', prompt: 'weather?', tools: { weather }, stopWhen: stepCountIs(4), maxOutputTokens: 1000 });
    expect(result.text).toBe('The tool said: {"city":"Niihama","sky":"clear","celsius":21}');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls.map((call) => [call.toolName, call.input])).toEqual([['weather', { city: 'Niihama' }]]);
    expect(result.totalUsage.outputTokens).toBeGreaterThanOrEqual(7);
    expect(mock.requests).toHaveLength(2);
    const [first, second] = mock.requests;
    expect(first).toMatchObject({ stream: false, model: 'mock-model', system: 'be brief', tools: ['weather'] });
    expect(first?.messages).toEqual([{ role: 'user', text: 'weather?', toolCalls: [], toolResults: [] }]);
    expect(second?.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
    expect(second === undefined ? [] : trailingToolResults(second)).toEqual([
      expect.objectContaining({ name: 'weather', content: '{"city":"Niihama","sky":"clear","celsius":21}', isError: false }),
    ]);
    const key = clientName === 'anthropic' ? first?.headers['x-api-key'] : first?.headers.authorization;
    expect(key).toMatch(/mock$/);
  });

  it('streams text and tool calls (SSE) through a tool loop, with usage', async () => {
    const mock = await start(loopResponder);
    const result = streamText({ model: model(mock.url), prompt: 'weather?', tools: { weather }, stopWhen: stepCountIs(4), maxOutputTokens: 1000 });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.join('')).toBe('The tool said: {"city":"Niihama","sky":"clear","celsius":21}');
    expect(deltas.length).toBeGreaterThan(1);
    expect((await result.steps)[0]?.toolCalls[0]?.input).toEqual({ city: 'Niihama' });
    expect((await result.totalUsage).outputTokens).toBeGreaterThanOrEqual(7);
    expect(mock.requests.map((request) => request.stream)).toEqual([true, true]);
  });

  it('answers with an HTTP error in the API\'s own format, which the client reports with its status', async () => {
    const mock = await start(replyQueue([{ error: { status: 401, message: 'invalid x-api-key' } }]));
    const failure = await generateText({ model: model(mock.url), prompt: 'hi', maxRetries: 0, maxOutputTokens: 1000 }).catch((error: unknown) => error);
    expect(APICallError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ statusCode: 401, message: expect.stringContaining('invalid x-api-key') });
  });

  it('sends several tool calls in one reply and text alongside them', async () => {
    const mock = await start(
      replyQueue([
        { text: 'Checking two cities.', toolCalls: [{ name: 'weather', input: { city: 'Tokyo' } }, { name: 'weather', input: { city: 'Osaka' } }] },
        { text: 'Both clear.' },
      ]),
    );
    const result = await generateText({ model: model(mock.url), prompt: 'weather?', tools: { weather }, stopWhen: stepCountIs(4), maxOutputTokens: 1000 });
    expect(result.steps[0]?.toolCalls.map((call) => call.input)).toEqual([{ city: 'Tokyo' }, { city: 'Osaka' }]);
    expect(result.steps[0]?.text).toBe('Checking two cities.');
    expect(result.text).toBe('Both clear.');
    const results = mock.requests[1] === undefined ? [] : trailingToolResults(mock.requests[1]);
    expect(results.map((entry) => JSON.parse(entry.content) as unknown)).toEqual([
      { city: 'Tokyo', sky: 'clear', celsius: 21 },
      { city: 'Osaka', sky: 'clear', celsius: 21 },
    ]);
  });
});

describe('the mock LLM server itself', () => {
  it('binds 127.0.0.1 only, refuses unknown routes and bad bodies, and reports a failing responder as a 500', async () => {
    const mock = await start(() => {
      throw new Error('boom');
    });
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const unknown = await fetch(`${mock.url}/v1/embeddings`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    const notJson = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: 'nope' });
    expect(notJson.status).toBe(400);
    const wrongShape = await fetch(`${mock.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'x' }) });
    expect(wrongShape.status).toBe(400);
    expect(await wrongShape.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const failing = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'x', messages: [] }) });
    expect(failing.status).toBe(500);
    expect(await failing.text()).toContain('mock responder failed: boom');
    expect(mock.requests).toHaveLength(1);
  });

  it('closes promptly even with a keep-alive connection open', async () => {
    const mock = await start(() => ({ text: 'hello' }));
    const response = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(await response.json()).toMatchObject({ choices: [{ message: { content: 'hello' }, finish_reason: 'stop' }] });
    const started = Date.now();
    await mock.close();
    server = undefined;
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
