import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Brain } from '../brain/brain.js';
import { createProviderBrain } from '../brain/llm/create-llm-brain.js';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import { type MockLlmRequest, type MockLlmServer, type MockReply, firstUserText, startMockLlmServer } from '../testing/index.js';
import { runInstance } from './run-instance.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Rig {
  store: CollectiveStore;
  mock: MockLlmServer;
  /** What the mock answers next; swap it to change the server's behaviour. */
  reply: { next: (request: MockLlmRequest) => MockReply };
  /** Starts one life of instance_1 with an openai-compatible brain on the mock; `stop()` ends it. */
  start(settings?: { idleCheckMs?: number }): { stop: () => Promise<void> };
}

async function rig(): Promise<Rig> {
  const root = mkdtempSync(join(tmpdir(), 'tachikoma-run-instance-'));
  const workspace = join(root, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const store = createSqliteStore(join(root, 'collective.db'));
  const reply = { next: (_request: MockLlmRequest): MockReply => ({ text: 'nothing to do' }) };
  await store.register({ id: 'instance_1', role: 'explorer' });
  const mock = await startMockLlmServer({ respond: (request) => reply.next(request) });
  cleanups.push(async () => {
    await mock.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });
  return {
    store, mock, reply,
    start: (settings = {}) => {
      const stop = new AbortController();
      const brain: Brain = createProviderBrain(
        'openai-compatible',
        { instanceId: 'instance_1', role: 'explorer', runDirectory: root, workspace, options: { model: 'mock', baseUrl: `${mock.url}/v1`, maxRetries: 0 } },
        {},
      );
      const life = runInstance({
        id: 'instance_1', role: 'explorer', goal: 'Audit the workspace.', workspace, runDirectory: root, store, brain,
        logger: pino({ level: 'silent' }), stateFile: join(root, 'state.json'), stop: stop.signal, heartbeatMs: 60_000,
        ...(settings.idleCheckMs === undefined ? {} : { idleCheckMs: settings.idleCheckMs }),
      });
      return {
        stop: async () => {
          stop.abort();
          await life;
        },
      };
    },
  };
}

describe('an instance with an LLM brain', () => {
  it('keeps the messages of a turn whose model call failed, and presents them again after a restart', async () => {
    const { store, mock, reply, start } = await rig();
    reply.next = () => ({ error: { status: 503, message: 'overloaded' } });
    const question = await store.publish({ from: 'human', to: 'instance_1', type: 'question', content: 'what is in src?', metadata: {} });
    const first = start();
    await until('the failed model call', () => (mock.requests.length >= 1 ? true : undefined));
    expect(firstUserText(mock.requests[0]!)).toContain(question.id);
    await first.stop();

    // The server is back; the restarted instance must still see the question it never answered.
    reply.next = () => ({ text: 'read the question' });
    const before = mock.requests.length;
    const second = start();
    const retried = await until('the restarted turn', () => mock.requests[before]);
    await second.stop();
    expect(firstUserText(retried)).toContain(question.id);
    expect(firstUserText(retried)).toMatch(/^Turn \d+ of instance_1 \(explorer\)\. 1 new message\(s\)\./);
  });
});
