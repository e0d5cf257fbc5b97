import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockLlmRequest, type MockLlmServer, type MockReply, type ToolBoxFixture, createToolBoxFixture, startMockLlmServer, trailingToolResults } from '../../../test/support/model-server/index.js';
import { makeGitWorkspace } from '../../../test/support/git-workspace.js';
import { commandRefusal } from '../../workspace/allowed-command.js';
import { worktreePath } from '../../workspace/instance-worktree.js';
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
    // Extended thinking is off unless asked for (the CLI's own default would think on every call).
    for (const request of requests) expect([undefined, { type: 'disabled' }]).toContainEqual(thinkingOf(request));
  });

  it('thinks when thinkingTokens asks for it', async () => {
    mock = await startMockLlmServer({ respond: (): MockReply => ({ text: 'nothing to do', usage: { inputTokens: 100, outputTokens: 5 } }) });
    const brain = await brainFor(mock, { thinkingTokens: 2048 });
    await brain.turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    await brain.close?.();
    const requests = agentRequests(mock);
    expect(requests.length).toBeGreaterThan(0);
    // The CLI picks the form: a fixed budget on older models, adaptive thinking on models that support it.
    for (const request of requests) expect(thinkingOf(request)).toMatchObject({ type: expect.stringMatching(/^(enabled|adaptive)$/) });
  });
});

/** The `thinking` field of a Messages request, if any. */
function thinkingOf(request: MockLlmRequest): unknown {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>).thinking : undefined;
}

describe.skipIf(!installed)('the claude-agent brain, confined and failing cleanly', () => {
  const brainFor = (server: MockLlmServer, options: Record<string, unknown> = {}) =>
    createClaudeAgentBrain(
      { instanceId: 'instance_2', role: 'explorer', runDirectory: fixture.runDirectory, workspace: fixture.workspace, options: { model: 'mock-claude', baseUrl: `${server.url}/v1`, maxRetries: 0, ...options } },
      { env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: SECRET } },
    );

  it('reads workspace files with its own Read tool, and a read outside the workspace is refused with a reason it sees', async () => {
    const inside = `${fixture.workspace}/src/a.ts`;
    mock = await startMockLlmServer({
      respond: (request): MockReply => {
        const results = trailingToolResults(request);
        if (results.length === 0) return { toolCalls: [{ name: 'Read', input: { file_path: inside } }, { name: 'Read', input: { file_path: '/etc/passwd' } }] };
        return { text: results.map((result) => `${result.isError ? 'refused' : 'read'}: ${result.content.replace(/\s+/g, ' ').slice(0, 120)}`).join(' | ') };
      },
    });
    const outcome = await (await brainFor(mock)).turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    const seen = trailingToolResults(agentRequests(mock).at(-1)!);
    expect(seen).toHaveLength(2);
    const byCall = new Map(seen.map((result) => [result.toolCallId, result]));
    expect(byCall.get('toolu_mock_0001')).toMatchObject({ isError: false, content: expect.stringContaining('TODO: name it') });
    expect(byCall.get('toolu_mock_0002')).toMatchObject({ isError: true, content: expect.stringContaining('/etc/passwd is outside the workspace') });
    expect(byCall.get('toolu_mock_0002')?.content).not.toContain('root:');
    expect(outcome.summary).toMatch(/read: .*TODO: name it/);
    expect(outcome.summary).toMatch(/refused: .*outside the workspace/);
  });

  it('marks a turn whose model call failed unhandled, with a backoff; a refused key stops the instance with the key redacted', async () => {
    let status = 503;
    mock = await startMockLlmServer({ respond: () => ({ error: { status, message: status === 401 ? `invalid x-api-key ${SECRET}` : 'overloaded' } }) });
    const brain = await brainFor(mock);
    const question = await fixture.publish({ from: 'human', to: 'instance_2', type: 'question', content: 'status?' });
    const failed = await brain.turn(await fixture.context([question]), fixture.toolBox(), new AbortController().signal);
    expect(failed).toMatchObject({ idle: false, unhandled: true, nextTurnInMs: 5000, summary: expect.stringMatching(/^model call failed \(1 in a row; next try in 5 s\): .*503/) });
    status = 401;
    const refused = await brain.turn(await fixture.context([question], 1), fixture.toolBox('1'), new AbortController().signal).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'misconfigured', message: expect.stringMatching(/^the claude-agent model refused the call: .*Invalid API key.*; check ANTHROPIC_API_KEY/) });
    expect(String((refused as Error).message)).not.toContain(SECRET);
  });
});

describe.skipIf(!installed)("the claude-agent brain of a builder under the run's command allowlist", () => {
  it('writes inside the workspace, runs the allowed command, and is refused a chained, an off-list and an outside one as run_command is', async () => {
    const target = `${fixture.workspace}/notes/plan.md`;
    mock = await startMockLlmServer({
      respond: (request): MockReply => {
        const results = trailingToolResults(request);
        if (results.length > 0) return { text: results.map((result) => `${result.isError ? 'refused' : 'ok'}: ${result.content.replace(/\s+/g, ' ').slice(0, 160)}`).join(' | ') };
        return {
          toolCalls: [
            { name: 'Write', input: { file_path: target, content: '# plan\n' } },
            { name: 'Bash', input: { command: 'node --version', description: 'node version' } },
            { name: 'Bash', input: { command: 'node --version; id', description: 'chained' } },
            { name: 'Bash', input: { command: 'id', description: 'off the list' } },
            { name: 'Bash', input: { command: 'node --version /etc/passwd', description: 'outside' } },
          ],
        };
      },
    });
    const brain = await createClaudeAgentBrain(
      { instanceId: 'instance_2', role: 'builder', runDirectory: fixture.runDirectory, workspace: fixture.workspace, options: { model: 'mock-claude', baseUrl: mock.url, maxRetries: 0 }, changes: { commands: ['node --version'] } },
      { env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: SECRET } },
    );
    await brain.turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    const first = agentRequests(mock)[0];
    expect(first?.tools).toEqual(expect.arrayContaining(['Read', 'Write', 'Edit', 'Bash']));
    const byCall = new Map(trailingToolResults(agentRequests(mock).at(-1)!).map((result) => [result.toolCallId, result]));
    expect(byCall.get('toolu_mock_0001')?.isError).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('# plan\n');
    expect(byCall.get('toolu_mock_0002')).toMatchObject({ isError: false, content: expect.stringContaining(process.version) });
    // The same one-line reasons run_command gives (one module decides for both).
    const reason = (command: string): string => commandRefusal(command, ['node --version'], fixture.workspace) ?? 'allowed';
    expect(byCall.get('toolu_mock_0003')).toMatchObject({ isError: true, content: expect.stringContaining(reason('node --version; id')) });
    expect(byCall.get('toolu_mock_0004')).toMatchObject({ isError: true, content: expect.stringContaining(reason('id')) });
    expect(reason('id')).toMatch(/not on this run's command allowlist \(node --version\)/);
    expect(byCall.get('toolu_mock_0005')).toMatchObject({ isError: true, content: expect.stringContaining(reason('node --version /etc/passwd')) });
    expect([3, 4, 5].map((call) => byCall.get(`toolu_mock_000${call}`)?.content).join('\n')).not.toMatch(/uid=|root:/);
  });
});

describe.skipIf(!installed)('the claude-agent brain of a builder in a git workspace', () => {
  it("writes in its own worktree, and is refused the user's checkout", async () => {
    const workspace = makeGitWorkspace({ 'a.txt': 'a\n' });
    const tree = worktreePath(fixture.runDirectory, 'instance_2');
    try {
      mock = await startMockLlmServer({
        respond: (request): MockReply => {
          const results = trailingToolResults(request);
          if (results.length > 0) return { text: results.map((result) => `${result.isError ? 'refused' : 'ok'}: ${result.content.slice(0, 160)}`).join(' | ') };
          return {
            toolCalls: [
              { name: 'Write', input: { file_path: join(tree, 'notes.md'), content: '# in the worktree\n' } },
              { name: 'Write', input: { file_path: join(workspace, 'notes.md'), content: '# in the checkout\n' } },
            ],
          };
        },
      });
      const brain = await createClaudeAgentBrain(
        { instanceId: 'instance_2', role: 'builder', runDirectory: fixture.runDirectory, workspace, options: { model: 'mock-claude', baseUrl: mock.url, maxRetries: 0 } },
        { env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: SECRET } },
      );
      await brain.turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
      const byCall = new Map(trailingToolResults(agentRequests(mock).at(-1)!).map((result) => [result.toolCallId, result]));
      expect(byCall.get('toolu_mock_0001')?.isError).toBe(false);
      expect(readFileSync(join(tree, 'notes.md'), 'utf8')).toBe('# in the worktree\n');
      expect(byCall.get('toolu_mock_0002')?.isError).toBe(true);
      expect(existsSync(join(workspace, 'notes.md'))).toBe(false);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
