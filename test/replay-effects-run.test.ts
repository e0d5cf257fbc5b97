import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type MockLlmRequest, type MockReply, firstUserText, startMockLlmServer } from './support/model-server/index.js';
import { RunningCollective, alive, cli, killCollective, waitFor, withStore } from './support/collective-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const QUESTION = 'how many source files are there?';

/** Whether the turn's inbox (not its history) holds the human's question. */
function inboxHoldsQuestion(request: MockLlmRequest): boolean {
  const text = firstUserText(request);
  const start = text.indexOf('## Inbox');
  if (start < 0) return false;
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end).includes(QUESTION);
}

/** How many tool results the model has been sent back in this turn so far. */
function toolResultsIn(request: MockLlmRequest): number {
  return request.messages.reduce((count, message) => count + message.toolResults.length, 0);
}

/**
 * A model that answers the human's question differently in each life of the instance. First life: a status
 * note and an answer, then it hangs (the instance is killed there, before its checkpoint). Second life, the same
 * turn replayed: the same status note (must not be stored twice) and another answer and finding (must be stored).
 */
function twoLivesModel(): { respond: (request: MockLlmRequest) => Promise<MockReply>; lives: () => number; hanging: () => boolean; release: () => void } {
  let lives = 0;
  let hanging = false;
  let release: () => void = () => undefined;
  const respond = async (request: MockLlmRequest): Promise<MockReply> => {
    if (!inboxHoldsQuestion(request)) return { text: 'nothing to do' };
    const step = toolResultsIn(request);
    if (step === 0) lives += 1;
    const note = { name: 'send_message', input: { to: 'human', type: 'status', content: 'looking into it' } };
    if (lives === 1 && step === 0) {
      return { toolCalls: [note, { name: 'answer', input: { to: 'human', answer: 'first life: 3 files' } }, { name: 'share_finding', input: { content: 'src/a.ts parses input without validating it' } }] };
    }
    if (lives === 1) {
      hanging = true;
      await new Promise<void>((resolve) => (release = resolve));
      return { text: 'too late' };
    }
    if (step === 0) {
      return { toolCalls: [note, { name: 'answer', input: { to: 'human', answer: 'second life: 4 files' } }, { name: 'share_finding', input: { content: 'src/b.ts retries without any backoff' } }] };
    }
    return { text: 'answered' };
  };
  return { respond, lives: () => lives, hanging: () => hanging, release: () => release() };
}

describe('a turn replayed after kill -9', () => {
  it('stores the replay\'s new writes and dedupes its repeated ones (real instance process, mock model over HTTP)', async () => {
    const model = twoLivesModel();
    const mock = await startMockLlmServer({ respond: model.respond });
    cleanups.push(async () => {
      model.release();
      await mock.close();
    });
    const workspace = mkdtempSync(join(tmpdir(), 'tachikoma-replay-'));
    writeFileSync(join(workspace, 'tachikoma.config.json'), JSON.stringify({ heartbeatMs: 250, staleMs: 10_000, idleCheckMs: 60_000, stopTimeoutMs: 5000 }));
    cleanups.push(() => rmSync(workspace, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
    const runDirectory = join(workspace, '.tachikoma');
    const run = new RunningCollective(workspace, runDirectory, ['--brain', 'openai-compatible', '--base-url', `${mock.url}/v1`, '--model', 'mock', '--instances', '1', '--no-dashboard']);
    cleanups.push(() => killCollective(run, runDirectory));
    await waitFor('the store', async () => (await cli(['status', '--json', '--run-dir', runDirectory])).status === 0, 20_000);
    const sent = await cli(['send', '--run-dir', runDirectory, '--to', 'instance_1', QUESTION]);
    expect(sent.status, sent.stderr).toBe(0);

    await waitFor('the first life to hang after its writes', () => model.hanging(), 30_000);
    const pid = await withStore(runDirectory, async (store) => (await store.listInstances())[0]?.pid ?? null);
    expect(pid).not.toBeNull();
    process.kill(pid ?? 0, 'SIGKILL');
    await waitFor('the killed instance to be gone', () => !alive(pid ?? 0), 10_000);

    const contents = (): Promise<string[]> =>
      withStore(runDirectory, async (store) => (await store.readMessages({ audience: { human: true }, after: 0 })).filter((message) => message.from === 'instance_1').map((message) => message.content));
    await waitFor('the replayed turn\'s answer', async () => (await contents()).includes('second life: 4 files'), 30_000);
    // The replay's finding is the call after its answer: wait for it too before looking at memory.
    await waitFor('the replayed turn\'s finding', () => withStore(runDirectory, async (store) => (await store.countMemory()) >= 2), 30_000);
    expect(model.lives()).toBe(2);
    expect((await contents()).sort()).toEqual(['first life: 3 files', 'looking into it', 'second life: 4 files']);
    await withStore(runDirectory, async (store) => {
      const memory = await store.listMemory({ order: 'recency' });
      expect(memory.map((item) => item.content).sort()).toEqual(['src/a.ts parses input without validating it', 'src/b.ts retries without any backoff']);
      const findings = (await store.readMessages({ audience: { all: true }, after: 0 })).filter((message) => message.type === 'finding');
      expect(findings).toHaveLength(2);
    });
  });
});
