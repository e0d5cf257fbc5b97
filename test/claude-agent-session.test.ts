import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isAgentSdkInstalled } from '../src/brain/claude-agent/load-agent-sdk.js';
import { type MockLlmRequest, type MockReply, startMockLlmServer, trailingToolResults } from './support/model-server/index.js';
import { RunningCollective, cli, killAndAwaitRestart, killCollective, waitFor, withStore } from './support/collective-harness.js';

const installed = isAgentSdkInstalled();
const SHARE = 'mcp__tachikoma__share_finding';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Whether a request holds the instance's own earlier share_finding call and its result. */
function holdsEarlierShare(request: MockLlmRequest): boolean {
  const calls = request.messages.flatMap((message) => (message.role === 'assistant' ? message.toolCalls : [])).filter((call) => call.name === SHARE);
  const results = request.messages.flatMap((message) => message.toolResults);
  return calls.some((call) => results.some((result) => result.toolCallId === call.id && result.content.startsWith('{"ok":true')));
}

/** Whether any message of a request mentions `text` (the turn prompt naming a message id). */
function mentions(request: MockLlmRequest, text: string): boolean {
  return request.messages.some((message) => message.text.includes(text));
}

/** The agent shares one finding on its first turn; afterwards it only answers in text. Claude Code's own side calls get text. */
function respond(request: MockLlmRequest): MockReply {
  if (request.tools.length === 0) return { text: 'ok' };
  if (holdsEarlierShare(request) || trailingToolResults(request).length > 0) return { text: 'done for this turn' };
  return { toolCalls: [{ name: SHARE, input: { content: 'src/a.ts:2 leaves input validation as a TODO', evidence: ['src/a.ts:2'] } }] };
}

async function send(runDirectory: string, text: string): Promise<string> {
  const sent = await cli(['send', '--json', '--run-dir', runDirectory, '--to', 'instance_1', text]);
  expect(sent.status, sent.stderr).toBe(0);
  return z.looseObject({ id: z.string() }).parse(JSON.parse(sent.stdout)).id;
}

describe.skipIf(!installed)('a claude-agent instance resumes its session', () => {
  it('a later turn, and the turn after a kill -9, hold its own earlier call and result; the session id is kept in its notebook', async () => {
    const mock = await startMockLlmServer({ respond });
    cleanups.push(() => mock.close());
    const workspace = mkdtempSync(join(tmpdir(), 'tachikoma-claude-session-'));
    // After the kill -9 below, the killed instance's Claude Code child may still be writing its session files for a
    // few seconds (it ends when it sees its parent gone): removal retries until it is quiet.
    cleanups.push(() => rmSync(workspace, { recursive: true, force: true, maxRetries: 20, retryDelay: 200 }));
    mkdirSync(join(workspace, 'src'));
    writeFileSync(join(workspace, 'src', 'a.ts'), 'export function parse(input: string): number {\n  // TODO: validate input\n  return Number(input);\n}\n');
    writeFileSync(join(workspace, 'tachikoma.config.json'), JSON.stringify({ heartbeatMs: 250, staleMs: 20_000, idleCheckMs: 60_000, stopTimeoutMs: 8000, brainOptions: { maxRetries: 0 } }));
    const runDirectory = join(workspace, '.tachikoma');
    const previousKey = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = 'sk-ant-session-test';
    cleanups.push(() => {
      if (previousKey === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = previousKey;
    });
    const run = new RunningCollective(workspace, runDirectory, ['--brain', 'claude-agent', '--base-url', mock.url, '--model', 'mock-claude', '--instances', '1', '--no-dashboard']);
    cleanups.push(() => killCollective(run, runDirectory));

    const session = await waitFor('a session id in the notebook', () =>
      withStore(runDirectory, async (store) => {
        const value = (await store.getDocument('notebook', 'instance_1'))?.value as { sessionId?: unknown; turns?: unknown } | undefined;
        return typeof value?.sessionId === 'string' && JSON.stringify(value.turns).includes('share_finding') ? value.sessionId : undefined;
      }).catch(() => undefined), 60_000);

    const second = await send(runDirectory, 'what did you find?');
    const later = await waitFor('the turn for the message', () => mock.requests.find((request) => request.tools.length > 0 && mentions(request, second)), 40_000);
    expect(holdsEarlierShare(later)).toBe(true);

    await killAndAwaitRestart(runDirectory, 'instance_1');
    const third = await send(runDirectory, 'and after the crash?');
    const afterCrash = await waitFor('the turn after the restart', () => mock.requests.find((request) => request.tools.length > 0 && mentions(request, third)), 40_000);
    expect(holdsEarlierShare(afterCrash)).toBe(true);
    expect(afterCrash.system).toMatch(/Your character: /);
    const kept = await withStore(runDirectory, async (store) => (await store.getDocument('notebook', 'instance_1'))?.value as { sessionId?: unknown });
    expect(kept.sessionId).toBe(session);
  }, 180_000);
});
