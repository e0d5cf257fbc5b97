import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockLlmServer, type ToolBoxFixture, createToolBoxFixture, replyQueue, startMockLlmServer, toolThen, trailingToolResults } from '../../../test/support/model-server/index.js';
import { createProviderBrain } from './create-llm-brain.js';
import type { LlmBrainKind } from '../model/llm-options.js';

const KEYS: Record<Exclude<LlmBrainKind, 'ollama'>, string> = { 'openai-compatible': 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };
const SECRET = 'sk-test-never-log-me';

let fixture: ToolBoxFixture;
let mock: MockLlmServer | undefined;
beforeEach(async () => {
  fixture = await createToolBoxFixture({ self: 'instance_3', role: 'explorer', files: { 'src/a.ts': 'export const a = 1;\n' } });
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  await fixture.close();
});

describe.each(Object.keys(KEYS) as Array<keyof typeof KEYS>)('the %s brain over HTTP against the mock server', (kind) => {
  const brainFor = (server: MockLlmServer) =>
    createProviderBrain(
      kind,
      { instanceId: 'instance_3', role: 'explorer', runDirectory: fixture.runDirectory, workspace: fixture.workspace, options: { model: 'mock', baseUrl: `${server.url}/v1`, maxRetries: 0 } },
      { [KEYS[kind]]: SECRET },
    );

  it('refuses a workspace escape, and the refusal is what the model sees next', async () => {
    mock = await startMockLlmServer({
      respond: toolThen({ name: 'read_files', input: { paths: ['../../etc/passwd'] } }, (result) => ({ text: `could not read it: ${result.content.slice(0, 60)}` })),
    });
    const outcome = await brainFor(mock).turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    expect(mock.requests).toHaveLength(2);
    const seen = mock.requests[1] === undefined ? [] : trailingToolResults(mock.requests[1]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.name).toBe('read_files');
    expect(seen[0]?.content).toMatch(/^\{"ok":true,"data":\[\{"path":"\.\.\/\.\.\/etc\/passwd","error":"paths with \\"\.\.\\" are refused/);
    expect(seen[0]?.content).not.toContain('root:');
    // Only a read, nothing asked: the turn leaves the instance idle.
    expect(outcome).toMatchObject({ idle: true, summary: expect.stringMatching(/^could not read it: /), metadata: { provider: kind, model: 'mock' } });
    expect(outcome.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('sends who the instance is, the turn and the tools; the key only in its header', async () => {
    mock = await startMockLlmServer({
      respond: replyQueue([
        { toolCalls: [{ name: 'share_finding', input: { content: 'src/a.ts exports a constant', evidence: ['src/a.ts:1'] } }] },
        { text: 'shared a finding' },
      ]),
    });
    const outcome = await brainFor(mock).turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    expect(outcome.summary).toBe('shared a finding');
    const first = mock.requests[0];
    expect(first).toMatchObject({ model: 'mock', stream: false, system: expect.stringMatching(/^You are instance_3, /) });
    expect(first?.tools).toEqual(expect.arrayContaining(['share_finding', 'read_files', 'claim_task', 'complete_task', 'fail_task']));
    expect(first?.messages[0]?.text).toMatch(/^Turn 1 of instance_3 \(explorer\)/);
    const header = kind === 'anthropic' ? first?.headers['x-api-key'] : first?.headers.authorization;
    expect(header).toContain(SECRET);
    expect(JSON.stringify(first?.body)).not.toContain(SECRET);
    const messages = await fixture.store.readMessages({ audience: { all: true }, after: 0 });
    expect(messages.map((message) => [message.from, message.type, message.metadata.evidence])).toEqual([['instance_3', 'finding', ['src/a.ts:1']]]);
  });

  it('turns a refused key into one clear error without the key in it', async () => {
    mock = await startMockLlmServer({ respond: () => ({ error: { status: 401, message: `invalid key ${SECRET}` } }) });
    const failure = await brainFor(mock).turn(await fixture.context(), fixture.toolBox(), new AbortController().signal).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'misconfigured', message: expect.stringMatching(new RegExp(`^the ${kind} model refused the call: HTTP 401: .*\\[redacted\\]`)) });
    expect((failure as Error).message).not.toContain(SECRET);
  });
});

describe('the ollama brain', () => {
  it('finds the server through OLLAMA_HOST (host:port, /v1 added) and sends no key', async () => {
    mock = await startMockLlmServer({ respond: () => ({ text: 'hello from ollama' }) });
    const brain = createProviderBrain(
      'ollama',
      { instanceId: 'instance_3', role: 'explorer', runDirectory: fixture.runDirectory, workspace: fixture.workspace, options: { model: 'llama3.1' } },
      { OLLAMA_HOST: `127.0.0.1:${mock.port}`, OPENAI_API_KEY: SECRET },
    );
    const outcome = await brain.turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    expect(outcome).toMatchObject({ summary: 'hello from ollama', idle: true, metadata: { provider: 'ollama', model: 'llama3.1' } });
    expect(mock.requests[0]).toMatchObject({ api: 'openai-chat', path: '/v1/chat/completions', model: 'llama3.1' });
    expect(mock.requests[0]?.headers.authorization).toBeUndefined();
  });
});
