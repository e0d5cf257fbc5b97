import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Brain } from '../brain/brain.js';
import { createProviderBrain } from '../brain/llm/create-llm-brain.js';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import { type MockLlmRequest, type MockLlmServer, type MockReply, firstUserText, startMockLlmServer } from '../../test/support/model-server/index.js';
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
  /** Every event instance_1 logged (debug and up), over all its lives: what a test waits on instead of time. */
  logged: Array<{ event?: unknown }>;
  /** Starts one life of instance_1 with an openai-compatible brain on the mock; `stop()` ends it. */
  start: (settings?: { idleCheckMs?: number; quickTurnMs?: number; brainOptions?: Record<string, unknown>; store?: CollectiveStore }) => { stop: () => Promise<void> };
}

async function rig(): Promise<Rig> {
  const root = mkdtempSync(join(tmpdir(), 'tachikoma-run-instance-'));
  const workspace = join(root, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const store = createSqliteStore(join(root, 'collective.db'));
  const reply = { next: (_request: MockLlmRequest): MockReply => ({ text: 'nothing to do' }) };
  await store.register({ id: 'instance_1', role: 'explorer' });
  const mock = await startMockLlmServer({ respond: (request) => reply.next(request) });
  const logged: Array<{ event?: unknown }> = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logged.push(JSON.parse(line) as { event?: unknown });
      done();
    },
  });
  cleanups.push(async () => {
    await mock.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });
  return {
    store, mock, reply, logged,
    start: (settings = {}) => {
      const stop = new AbortController();
      const brain: Brain = createProviderBrain(
        'openai-compatible',
        { instanceId: 'instance_1', role: 'explorer', runDirectory: root, workspace, options: { model: 'mock', baseUrl: `${mock.url}/v1`, maxRetries: 0, ...settings.brainOptions } },
        {},
      );
      const life = runInstance({
        id: 'instance_1', role: 'explorer', goal: 'Audit the workspace.', workspace, runDirectory: root, store: settings.store ?? store, brain,
        logger: pino({ level: 'debug' }, logStream), stateFile: join(root, 'state.json'), stop: stop.signal, heartbeatMs: 60_000,
        ...(settings.idleCheckMs === undefined ? {} : { idleCheckMs: settings.idleCheckMs }),
        ...(settings.quickTurnMs === undefined ? {} : { quickTurnMs: settings.quickTurnMs }),
      });
      const end = async (): Promise<void> => {
        stop.abort();
        await life;
      };
      cleanups.push(end);
      return { stop: end };
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

describe('the end of a turn', () => {
  it('is one checkpoint: the iteration and the cursor past the batch in one write, after every status the turn sent', async () => {
    const { store, reply, start } = await rig();
    // Every heartbeat as it reaches the store, in order: what it carried and whether it moved a cursor.
    const writes: Array<{ status: string | undefined; iteration: number | undefined; cursor: number | undefined }> = [];
    const recording = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'heartbeat') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: Parameters<CollectiveStore['heartbeat']>) => {
          // A slow store for the turn's own statuses: sent without waiting, one would land after the checkpoint
          // (1 s later) if nothing kept the writes in order.
          if (args[1]?.status === 'tool' || args[1]?.status === 'writing') await new Promise((done) => setTimeout(done, 1000));
          const record = await target.heartbeat(...args);
          if (args[1] !== undefined) writes.push({ status: args[1].status, iteration: args[1].iteration, cursor: args[2]?.seq });
          return record;
        };
      },
    });
    let turn = 0;
    reply.next = () => {
      turn += 1;
      // Slow enough (past the quick-turn threshold) for the turn to publish its statuses; the answer after the
      // tool call comes at once.
      return turn === 1
        ? { toolCalls: [{ name: 'send_message', input: { to: 'human', type: 'answer', content: 'src holds a.ts' } }], delayMs: 400 }
        : { text: 'answered' };
    };
    const question = await store.publish({ from: 'human', to: 'instance_1', type: 'question', content: 'what is in src?', metadata: {} });
    const life = start({ store: recording });
    await until('the checkpoint of the turn that read the question', () => writes.find((write) => write.cursor !== undefined));
    await life.stop();

    const checkpoint = writes.findIndex((write) => write.cursor !== undefined);
    expect(writes[checkpoint]).toMatchObject({ cursor: question.seq, iteration: 1 });
    // Only the checkpoint moved the cursor, and nothing the turn sent landed after it with the older iteration.
    expect(writes.filter((write) => write.cursor !== undefined)).toHaveLength(1);
    expect(writes.slice(checkpoint + 1).every((write) => write.iteration !== undefined && write.iteration >= 1)).toBe(true);
    expect(writes.slice(0, checkpoint).some((write) => write.status === 'writing' || write.status === 'tool')).toBe(true);
    expect(await store.getCursor('inbox:instance_1')).toBe(question.seq);
    expect((await store.getInstance('instance_1'))?.iteration).toBeGreaterThanOrEqual(1);
  });
});

/** How many events named `event` are in `logged`. */
function count(logged: ReadonlyArray<{ event?: unknown }>, event: string): number {
  return logged.filter((entry) => entry.event === event).length;
}

describe('an idle instance with an LLM brain', () => {
  it('asks the model at every idle check without the idle gate (maxIdleMs 0): the cost the gate removes', async () => {
    const { mock, logged, start } = await rig();
    const life = start({ idleCheckMs: 100, brainOptions: { maxIdleMs: 0 } });
    await until('six model calls', () => (mock.requests.length >= 6 ? true : undefined));
    await life.stop();
    // Every idle check was a turn with a model call: none was skipped.
    expect(count(logged, 'turn_skipped')).toBe(0);
  });

  it('makes no model call while nothing changes, one as soon as a message arrives, and one per maxIdleMs at most', async () => {
    const { store, mock, logged, start } = await rig();
    const life = start({ idleCheckMs: 100, brainOptions: { maxIdleMs: 60_000 } });
    await until('the first turn', () => mock.requests[0]);
    // Five idle checks later (each skipped by the gate), still the one call.
    await until('five skipped idle checks', () => (count(logged, 'turn_skipped') >= 5 ? true : undefined));
    expect(mock.requests).toHaveLength(1);
    const message = await store.publish({ from: 'human', to: 'instance_1', type: 'question', content: 'anything new?', metadata: {} });
    const asked = await until('the turn for the message', () => mock.requests[1]);
    expect(firstUserText(asked)).toContain(message.id);
    const skippedAfter = count(logged, 'turn_skipped');
    await until('five more skipped idle checks', () => (count(logged, 'turn_skipped') >= skippedAfter + 5 ? true : undefined));
    // The turn after the message saw it and went idle; the next idle checks change nothing (a turn that saw the
    // message is not the same context as the idle one before it, so at most one more call).
    expect(mock.requests.length).toBeLessThanOrEqual(3);
    await life.stop();

    const { mock: bounded, reply: boundedReply, logged: boundedLogged, start: startBounded } = await rig();
    const askedAt: number[] = [];
    boundedReply.next = () => {
      askedAt.push(Date.now());
      return { text: 'nothing to do' };
    };
    const boundedLife = startBounded({ idleCheckMs: 100, brainOptions: { maxIdleMs: 700 } });
    await until('three model calls', () => (bounded.requests.length >= 3 ? true : undefined));
    await boundedLife.stop();
    // Between calls the idle checks were skipped, and calls came no closer than maxIdleMs (a loaded machine only
    // spaces them further).
    expect(count(boundedLogged, 'turn_skipped')).toBeGreaterThan(0);
    const gaps = askedAt.slice(1).map((at, index) => at - (askedAt[index] ?? at));
    expect(gaps.every((gap) => gap >= 650), JSON.stringify(gaps)).toBe(true);
  });
});

describe('the history an idle instance leaves', () => {
  const instanceEvents = async (store: CollectiveStore, after: number) =>
    (await store.readHistory({ after, limit: 10_000 })).filter((event) => event.kind === 'instance' && event.entityId === 'instance_1');

  it('a quick turn is one change (its checkpoint), a skipped idle check none: no thinking/tool/idle flicker', async () => {
    const { store, mock, start } = await rig();
    // No idle gate: every idle check (100 ms) is a real, quick turn (quick: within 2 s, even on a loaded machine).
    const life = start({ idleCheckMs: 100, quickTurnMs: 2000, brainOptions: { maxIdleMs: 0 } });
    await until('the first two turns', () => mock.requests[1]);
    const from = await store.lastHistorySeq();
    const turnsBefore = mock.requests.length;
    await until('three more turns', () => (mock.requests.length >= turnsBefore + 3 ? true : undefined));
    await life.stop();
    const turns = mock.requests.length - turnsBefore;
    const events = await instanceEvents(store, from);
    // One 'updated' (iteration, last activity) per turn; the turn's own statuses were never published. The stop
    // adds its own 'stopped', and a turn cut by the stop may add one more.
    expect(events.filter((event) => event.action === 'status').map((event) => (event.data as { status: string }).status)).toEqual(['stopped']);
    expect(events.filter((event) => event.action === 'updated').length).toBeLessThanOrEqual(turns + 1);

    // With the idle gate the idle checks are skipped turns: they change nothing at all.
    const { store: gated, mock: gatedMock, logged: gatedLogged, start: startGated } = await rig();
    const gatedLife = startGated({ idleCheckMs: 100, quickTurnMs: 2000, brainOptions: { maxIdleMs: 60_000 } });
    await until('the first turn', () => gatedMock.requests[0]);
    await until('the first skipped idle check', () => (count(gatedLogged, 'turn_skipped') >= 1 ? true : undefined));
    const gatedFrom = await gated.lastHistorySeq();
    const skippedBefore = count(gatedLogged, 'turn_skipped');
    await until('five more skipped idle checks', () => (count(gatedLogged, 'turn_skipped') >= skippedBefore + 5 ? true : undefined));
    expect(await instanceEvents(gated, gatedFrom)).toEqual([]);
    await gatedLife.stop();
  });
});

describe('stopping an instance whose model is unreachable', () => {
  it('keeps the unanswered messages across a stop request and does not stop again on it when resumed', async () => {
    const { store, mock, reply, logged, start } = await rig();
    reply.next = () => ({ error: { status: 502, message: 'bad gateway' } });
    const question = await store.publish({ from: 'human', to: 'instance_1', type: 'question', content: 'still there?', metadata: {} });
    const first = start();
    await until('the failed model call', () => mock.requests[0]);
    await store.publish({ from: 'human', to: 'broadcast', type: 'control', content: 'stop', metadata: { command: 'stop' } });
    // The instance stops on the request by itself, during its back-off.
    const deadline = Date.now() + 10_000;
    while ((await store.getInstance('instance_1'))?.lastActivity !== 'stop requested' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await store.getInstance('instance_1'))?.lastActivity).toBe('stop requested');
    await first.stop();

    reply.next = () => ({ text: 'answered at last' });
    const handledTurns = (): number => logged.filter((entry) => entry.event === 'turn' && !('unhandled' in entry)).length;
    const handledBefore = handledTurns();
    const before = mock.requests.length;
    const second = start();
    const retried = await until('the resumed turn', () => mock.requests[before]);
    expect(firstUserText(retried)).toContain(question.id);
    expect(firstUserText(retried)).toMatch(/^Turn \d+ of instance_1 \(explorer\)\. 1 new message\(s\)\./);
    // Its turn ended (checkpointed) and it went on, not stopped by the old request.
    await until('the resumed turn to end', () => (handledTurns() > handledBefore ? true : undefined));
    expect((await store.getInstance('instance_1'))?.status).not.toBe('stopped');
    expect(count(logged, 'stopped')).toBe(1);
    await second.stop();
  });
});
