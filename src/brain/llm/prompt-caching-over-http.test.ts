import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockLlmServer, type ToolBoxFixture, createToolBoxFixture, startMockLlmServer, trailingToolResults } from '../../../test/support/model-server/index.js';
import { createProviderBrain } from './create-llm-brain.js';

let fixture: ToolBoxFixture;
let mock: MockLlmServer | undefined;
beforeEach(async () => {
  fixture = await createToolBoxFixture({ self: 'instance_3', role: 'explorer', files: { 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n' } });
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  await fixture.close();
});

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(asRecord) : []);

/** Where a request body carries cache markers: tool names, system block indexes, and [message, block] pairs. */
function markers(body: unknown): { tools: string[]; system: number[]; messages: Array<[number, number]> } {
  const request = asRecord(body);
  const marked = (entry: Json): boolean => entry.cache_control !== undefined;
  return {
    tools: list(request.tools).filter(marked).map((tool) => String(tool.name)),
    system: list(request.system).flatMap((block, index) => (marked(block) ? [index] : [])),
    messages: list(request.messages).flatMap((message, index) => list(message.content).flatMap((block, at): Array<[number, number]> => (marked(block) ? [[index, at]] : []))),
  };
}

/** Reads two files, one call per step, then answers. */
function readTwoThenAnswer(request: Parameters<Parameters<typeof startMockLlmServer>[0]['respond']>[0]) {
  const done = request.messages.filter((message) => message.role === 'tool').length;
  if (done >= 2 || trailingToolResults(request).some((result) => result.content.includes('"ok":false'))) return { text: 'read both files' };
  return { toolCalls: [{ name: 'read_files', input: { paths: [done === 0 ? 'src/a.ts' : 'src/b.ts'] } }] };
}

describe('prompt caching over HTTP', () => {
  it('anthropic: marks the last tool and the system prompt, moves a marker to the newest message, and later steps read from the cache', async () => {
    mock = await startMockLlmServer({ respond: readTwoThenAnswer });
    const brain = createProviderBrain('anthropic', { instanceId: 'instance_3', role: 'explorer', runDirectory: fixture.runDirectory, workspace: fixture.workspace, options: { model: 'mock', baseUrl: `${mock.url}/v1` } }, { ANTHROPIC_API_KEY: 'sk-test' });
    const outcome = await brain.turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    expect(mock.requests).toHaveLength(3);
    const [first, second, third] = mock.requests.map((request) => markers(request.body));
    const lastTool = mock.requests[0]?.tools.at(-1);
    for (const seen of [first, second, third]) {
      expect(seen?.tools).toEqual([lastTool]);
      expect(seen?.system).toEqual([0]);
      expect(seen?.messages).toHaveLength(1);
    }
    // The moving marker sits on the newest message: the turn prompt, then each step's tool results.
    const lastMessage = (index: number): number => list(asRecord(mock?.requests[index]?.body).messages).length - 1;
    expect(first?.messages[0]?.[0]).toBe(lastMessage(0));
    expect(second?.messages[0]?.[0]).toBe(lastMessage(1));
    expect(third?.messages[0]?.[0]).toBe(lastMessage(2));
    expect(lastMessage(2)).toBeGreaterThan(lastMessage(0));
    // The first call writes the prefix; each later one reads everything up to the previous step from the cache.
    expect(mock.cacheSplits[0]).toMatchObject({ cacheRead: 0 });
    expect(mock.cacheSplits[0]?.cacheWrite).toBeGreaterThan(1000);
    for (const split of mock.cacheSplits.slice(1)) expect(split.cacheRead).toBeGreaterThan(split.cacheWrite + split.uncached);
    const read = mock.cacheSplits.reduce((sum, split) => sum + split.cacheRead, 0);
    const written = mock.cacheSplits.reduce((sum, split) => sum + split.cacheWrite, 0);
    expect(outcome.usage).toMatchObject({ modelCalls: 3, cacheReadTokens: read, cacheWriteTokens: written });
  });

  it('anthropic with promptCaching false, and openai-compatible: no markers; the stable system prompt comes first', async () => {
    mock = await startMockLlmServer({ respond: readTwoThenAnswer });
    const setup = { instanceId: 'instance_3', role: 'explorer' as const, runDirectory: fixture.runDirectory, workspace: fixture.workspace };
    await createProviderBrain('anthropic', { ...setup, options: { model: 'mock', baseUrl: `${mock.url}/v1`, promptCaching: false } }, { ANTHROPIC_API_KEY: 'sk-test' })
      .turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    await createProviderBrain('openai-compatible', { ...setup, options: { model: 'mock', baseUrl: `${mock.url}/v1` } }, {})
      .turn(await fixture.context(), fixture.toolBox('1'), new AbortController().signal);
    expect(mock.requests).toHaveLength(6);
    for (const request of mock.requests) expect(JSON.stringify(request.body)).not.toContain('cache_control');
    const openAi = mock.requests.filter((request) => request.api === 'openai-chat');
    for (const request of openAi) expect(list(asRecord(request.body).messages)[0]?.role).toBe('system');
    // Each step's prompt begins with the whole prompt of the step before: one growing prefix to cache.
    const messagesOf = (index: number): string => JSON.stringify(list(asRecord(openAi[index]?.body).messages).slice(0, -1));
    expect(JSON.stringify(asRecord(openAi[2]?.body).messages).startsWith(messagesOf(1).slice(0, -1))).toBe(true);
  });
});

describe('thinking over HTTP', () => {
  it('anthropic thinks with thinkingTokens, openai-compatible reasons with reasoningEffort; neither by default', async () => {
    mock = await startMockLlmServer({ respond: () => ({ text: 'nothing to do' }) });
    const setup = { instanceId: 'instance_3', role: 'explorer' as const, runDirectory: fixture.runDirectory, workspace: fixture.workspace };
    const turn = async (kind: 'anthropic' | 'openai-compatible', options: Record<string, unknown>): Promise<Json> => {
      await createProviderBrain(kind, { ...setup, options: { model: 'mock', baseUrl: `${mock?.url ?? ''}/v1`, ...options } }, { ANTHROPIC_API_KEY: 'sk-test' })
        .turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
      return asRecord(mock?.requests.at(-1)?.body);
    };
    expect((await turn('anthropic', { thinkingTokens: 2048 })).thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect((await turn('anthropic', {})).thinking).toBeUndefined();
    expect((await turn('openai-compatible', { reasoningEffort: 'low' })).reasoning_effort).toBe('low');
    expect((await turn('openai-compatible', {})).reasoning_effort).toBeUndefined();
  });
});
