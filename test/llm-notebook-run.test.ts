import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type MockLlmRequest, type MockLlmServer, type MockReply, notebookToolCalls, startMockLlmServer, trailingToolResults, turnPromptText } from './support/model-server/index.js';
import { RunningCollective, alive, cli, killAndAwaitRestart, killCollective, waitFor, withStore } from './support/collective-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workspace(): { workspace: string; runDirectory: string } {
  const root = mkdtempSync(join(tmpdir(), 'tachikoma-notebook-'));
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src/a.ts'), 'export function parse(input: string): number {\n  // TODO: validate input\n  return Number(input);\n}\n');
  writeFileSync(join(root, 'tachikoma.config.json'), JSON.stringify({ heartbeatMs: 250, staleMs: 10_000, idleCheckMs: 60_000, stopTimeoutMs: 5000 }));
  cleanups.push(() => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  return { workspace: root, runDirectory: join(root, '.tachikoma') };
}

/**
 * The model of instance_1: on its first turn it reads src/a.ts, then shares a finding; afterwards it only
 * replies in text. What it was sent is kept in `mock.requests`, where the test looks for its notebook.
 */
function respond(request: MockLlmRequest): MockReply {
  const results = trailingToolResults(request);
  const earlier = notebookToolCalls(request);
  if (earlier.length > 0) return { text: `turn with ${earlier.length} earlier call(s) in my notebook` };
  if (results.length === 0) return { toolCalls: [{ name: 'read_files', input: { paths: ['src/a.ts'] } }] };
  if (results.some((result) => result.name === 'read_files')) {
    return { toolCalls: [{ name: 'share_finding', input: { content: 'src/a.ts:2 leaves input validation as a TODO', evidence: ['src/a.ts:2'] } }] };
  }
  return { text: 'read src/a.ts and shared what it lacks' };
}

/** The request of the turn that handled message `id` (its turn prompt lists it). */
function requestFor(mock: MockLlmServer, id: string): MockLlmRequest | undefined {
  return mock.requests.find((request) => turnPromptText(request).includes(id));
}

/** Asserts that a request replays instance_1's first turn: its read (with the file's text) and its own finding. */
function expectFirstTurnReplayed(request: MockLlmRequest): void {
  const calls = notebookToolCalls(request);
  const read = calls.find((entry) => entry.call.name === 'read_files');
  expect(read?.call.input).toEqual({ paths: ['src/a.ts'] });
  expect(read?.result?.content).toContain('TODO: validate input');
  const shared = calls.find((entry) => entry.call.name === 'share_finding');
  expect(shared?.call.input).toMatchObject({ content: 'src/a.ts:2 leaves input validation as a TODO' });
  expect(shared?.result?.content).toMatch(/^\{"ok":true/);
  // Its own calls come back as the assistant's (its own) messages, before the turn prompt.
  const own = request.messages.filter((message) => message.role === 'assistant' && message.toolCalls.some((call) => call.name === 'share_finding'));
  expect(own).toHaveLength(1);
}

const statusSchema = z.looseObject({ instances: z.array(z.looseObject({ id: z.string(), metadata: z.looseObject({ persona: z.string(), personality: z.record(z.string(), z.number()) }) })) });

async function send(runDirectory: string, text: string): Promise<string> {
  const sent = await cli(['send', '--json', '--run-dir', runDirectory, '--to', 'instance_1', text]);
  expect(sent.status, sent.stderr).toBe(0);
  return z.looseObject({ id: z.string() }).parse(JSON.parse(sent.stdout)).id;
}

describe('an LLM instance keeps its notebook across turns, in the store', () => {
  it('a later turn holds its own earlier calls and results; so do the turns after a kill -9 and after run --resume; the persona is in the system prompt and status --json', async () => {
    const mock = await startMockLlmServer({ respond });
    cleanups.push(() => mock.close());
    const { workspace: root, runDirectory } = workspace();
    const previousKey = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-notebook-test';
    cleanups.push(() => {
      if (previousKey === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = previousKey;
    });
    const run = new RunningCollective(root, runDirectory, ['--brain', 'openai-compatible', '--base-url', `${mock.url}/v1`, '--model', 'mock', '--instances', '1', '--no-dashboard']);
    cleanups.push(() => killCollective(run, runDirectory));

    const notebook = await waitFor('the first turn in the notebook', () =>
      withStore(runDirectory, async (store) => {
        const document = await store.getDocument('notebook', 'instance_1');
        return JSON.stringify(document?.value ?? null).includes('share_finding') ? document : undefined;
      }).catch(() => undefined), 30_000);
    expect(notebook?.value).toMatchObject({ version: 1, turns: [{ iteration: 0 }] });

    const second = await send(runDirectory, 'what did you find?');
    expectFirstTurnReplayed(await waitFor('the turn for the message', () => requestFor(mock, second), 20_000));

    await killAndAwaitRestart(runDirectory, 'instance_1');
    const third = await send(runDirectory, 'and after the crash?');
    const afterCrash = await waitFor('the turn after the restart', () => requestFor(mock, third), 20_000);
    expectFirstTurnReplayed(afterCrash);

    expect(afterCrash.system).toMatch(/\nYour character: /);
    const status = await cli(['status', '--json', '--run-dir', runDirectory]);
    expect(status.status, status.stderr).toBe(0);
    const [instance] = statusSchema.parse(JSON.parse(status.stdout)).instances;
    expect(instance?.metadata.persona).toMatch(/^[a-z ,]+$/);
    expect(Object.keys(instance?.metadata.personality ?? {}).sort()).toEqual(['caution', 'novelty', 'simplicity', 'thoroughness']);

    // The orchestrator killed (its instance exits on its own), then run --resume: the notebook is still there.
    const last = await withStore(runDirectory, async (store) => (await store.getInstance('instance_1'))?.pid ?? 0);
    run.kill('SIGKILL');
    await run.exited;
    await waitFor('the instance to exit after the orchestrator died', () => !alive(last), 10_000);
    const resumed = new RunningCollective(root, runDirectory, ['--resume']);
    cleanups.push(() => killCollective(resumed, runDirectory));
    const fourth = await send(runDirectory, 'and after run --resume?');
    expectFirstTurnReplayed(await waitFor('the turn after run --resume', () => requestFor(mock, fourth), 30_000));
  }, 150_000);
});
