import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockLlmRequest, type MockLlmServer, type MockReply, type ToolBoxFixture, createToolBoxFixture, startMockLlmServer, trailingToolResults } from '../../testing/index.js';
import { createClaudeAgentBrain } from './create-claude-agent-brain.js';
import { isAgentSdkInstalled } from './load-agent-sdk.js';

const installed = isAgentSdkInstalled();
if (!installed) {
  process.stderr.write('\n!!! @anthropic-ai/claude-agent-sdk is not installed: the claude-agent brain tests are SKIPPED (npm ci installs it as a dev dependency)\n\n');
}

const SECRET = 'sk-ant-test-never-log-me-0123456789';

let fixture: ToolBoxFixture;
let mock: MockLlmServer | undefined;
beforeEach(async () => {
  fixture = await createToolBoxFixture({ self: 'instance_2', role: 'explorer', files: { 'src/a.ts': 'export const a = 1; // TODO: name it\n' } });
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  await fixture.close();
});

/** The main agent loop's requests (the ones that offer the collective tools). */
function agentRequests(server: MockLlmServer): MockLlmRequest[] {
  return server.requests.filter((request) => request.tools.some((name) => name.startsWith('mcp__tachikoma__')));
}

describe.skipIf(!installed)('the claude-agent brain against the mock Messages API', () => {
  const brainFor = (server: MockLlmServer, options: Record<string, unknown> = {}) =>
    createClaudeAgentBrain(
      { instanceId: 'instance_2', role: 'explorer', runDirectory: fixture.runDirectory, workspace: fixture.workspace, options: { model: 'mock-claude', baseUrl: server.url, maxRetries: 0, ...options } },
      { env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: SECRET } },
    );

  it('calls a collective tool through the in-process MCP server, and the finding lands in the store', async () => {
    mock = await startMockLlmServer({
      respond: (request): MockReply => {
        const shared = trailingToolResults(request).find((result) => result.name === 'mcp__tachikoma__share_finding');
        if (shared !== undefined) return { text: `shared: ${shared.content.slice(0, 40)}`, usage: { inputTokens: 700, outputTokens: 20 } };
        return { toolCalls: [{ name: 'mcp__tachikoma__share_finding', input: { content: 'src/a.ts:1 leaves a TODO on the name of a', evidence: ['src/a.ts:1'] } }], usage: { inputTokens: 600, outputTokens: 40 } };
      },
    });
    const brain = await brainFor(mock);
    const outcome = await brain.turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    await brain.close?.();

    const findings = (await fixture.store.readMessages({ audience: { all: true }, after: 0 })).filter((message) => message.type === 'finding');
    expect(findings.map((message) => [message.from, message.content, message.metadata.evidence])).toEqual([['instance_2', 'src/a.ts:1 leaves a TODO on the name of a', ['src/a.ts:1']]]);
    const requests = agentRequests(mock);
    expect(requests).toHaveLength(2);
    expect(requests[0]?.system).toMatch(/\nYou are instance_2, one autonomous instance of Tachikoma/);
    expect(requests[0]?.tools).toEqual(expect.arrayContaining(['Read', 'Glob', 'Grep', 'mcp__tachikoma__share_finding', 'mcp__tachikoma__send_message']));
    expect(requests[0]?.tools).not.toEqual(expect.arrayContaining(['Write']));
    expect(requests[0]?.tools).not.toEqual(expect.arrayContaining(['Bash']));
    expect(requests.every((request) => request.headers['x-api-key'] === SECRET)).toBe(true);
    expect(outcome).toMatchObject({ summary: expect.stringMatching(/^shared: \{"ok":true/), idle: false, metadata: { provider: 'claude-agent', model: 'mock-claude' } });
    expect(outcome.usage).toMatchObject({ inputTokens: 1300, outputTokens: 60 });
  });
});
