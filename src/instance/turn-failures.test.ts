import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Brain } from '../brain/brain.js';
import type { Message } from '../protocol/index.js';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import { runInstance } from './run-instance.js';
import { TurnFailures, failureText } from './turn-failures.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A brain that throws on any message mentioning "poison" and answers every other human message. */
function fragileBrain(seen: string[]): Brain {
  return {
    name: 'fragile',
    async turn(context, tools) {
      for (const message of context.inbox) {
        seen.push(message.content);
        if (message.content.includes('poison')) throw new Error('search_memory: query longer than 1000 characters');
        if (message.from === 'human') await tools.call('answer', { to: 'human', inReplyTo: message.id, answer: `got: ${message.content}` });
      }
      return { summary: 'handled', idle: true };
    },
  };
}

function start(store: CollectiveStore, root: string, brain: Brain): { stop: () => Promise<{ iterations: number; reason: string }> } {
  const stop = new AbortController();
  const life = runInstance({
    id: 'instance_1', role: 'explorer', goal: 'g', workspace: root, runDirectory: root, store, brain,
    logger: pino({ level: 'silent' }), stateFile: join(root, 'state.json'), stop: stop.signal, heartbeatMs: 60_000, idleCheckMs: 200,
  });
  const end = async (): Promise<{ iterations: number; reason: string }> => {
    stop.abort();
    return life;
  };
  cleanups.push(async () => {
    await end();
  });
  return { stop: end };
}

describe('a message no turn can handle', () => {
  it('is tried again once, then set aside with a reply saying why; the instance goes on and answers what follows', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tachikoma-poison-'));
    const store = createSqliteStore(join(root, 'collective.db'));
    cleanups.push(async () => {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    });
    const seen: string[] = [];
    const life = start(store, root, fragileBrain(seen));
    const poison = await store.publish({ from: 'human', to: 'instance_1', type: 'question', content: 'poison', metadata: {} });
    const answers = async (): Promise<Message[]> => store.readMessages({ audience: { human: true }, after: 0 });
    const setAside = await until('the set-aside reply', async () => (await answers()).find((message) => message.metadata.inReplyTo === poison.id));
    expect(setAside.metadata.setAside).toBe(true);
    expect(setAside.content).toContain('query longer than 1000 characters');
    expect(seen.filter((content) => content === 'poison')).toHaveLength(2);
    const next = await store.publish({ from: 'human', to: 'instance_1', type: 'question', content: 'hello', metadata: {} });
    const reply = await until('the next answer', async () => (await answers()).find((message) => message.metadata.inReplyTo === next.id));
    expect(reply.content).toBe('got: hello');
    expect(await store.getCursor('inbox:instance_1')).toBeGreaterThanOrEqual(next.seq);
    expect((await life.stop()).reason).toBe('stopped');
    // The poison is not presented again after a restart: the cursor moved past it.
    seen.length = 0;
    const again = start(store, root, fragileBrain(seen));
    // A question after the restart, answered: the inbox was read past where the poison was, in order.
    const later = await store.publish({ from: 'human', to: 'instance_1', type: 'question', content: 'after the restart', metadata: {} });
    await until('the answer after the restart', async () => (await answers()).find((message) => message.metadata.inReplyTo === later.id));
    await again.stop();
    expect(seen).toEqual(['after the restart']);
  });

  it('counts failures per batch and says why in one line', () => {
    const failures = new TurnFailures();
    const batch = [{ id: 'm1' }] as unknown as Message[];
    expect(failures.record(batch)).toBe(false);
    expect(failures.record(batch)).toBe(true);
    expect(failures.record([{ id: 'm2' }] as unknown as Message[])).toBe(false);
    expect(failures.record([])).toBe(false);
    expect(failureText(new TypeError('bad\n  at x.js:1'))).toBe('TypeError: bad at x.js:1');
  });
});
