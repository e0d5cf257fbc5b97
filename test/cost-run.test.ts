import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type MockLlmRequest, type MockLlmServer, type MockReply, startMockLlmServer } from './support/model-server/index.js';
import { DEBUG_LOG, RunningCollective, cli, instanceLogEvents, killCollective, waitFor, withStore } from './support/collective-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A workspace with two files and only the run's pace set (heartbeats, idle checks): the governor keeps its defaults. */
function workspace(): { workspace: string; runDirectory: string } {
  const root = mkdtempSync(join(tmpdir(), 'tachikoma-cost-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src/a.ts'), 'export function parse(input: string): number {\n  return Number(input);\n}\n');
  writeFileSync(join(root, 'src/b.ts'), 'export const retries = 3;\n');
  writeFileSync(join(root, 'tachikoma.config.json'), JSON.stringify({ heartbeatMs: 250, staleMs: 10_000, idleCheckMs: 1500, stopTimeoutMs: 5000 }));
  cleanups.push(() => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  return { workspace: root, runDirectory: join(root, '.tachikoma') };
}

async function startMock(respond: (request: MockLlmRequest) => MockReply): Promise<MockLlmServer> {
  const mock = await startMockLlmServer({ respond });
  cleanups.push(() => mock.close());
  return mock;
}

function withEnv(name: string, value: string): void {
  const previous = process.env[name];
  process.env[name] = value;
  cleanups.push(() => {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  });
}

const usageSchema = z.looseObject({ modelCalls: z.number(), turns: z.number(), costUsd: z.number(), cacheReadTokens: z.number(), inputTokens: z.number() });

async function instance(runDirectory: string) {
  return withStore(runDirectory, async (store) => {
    const record = await store.getInstance('instance_1');
    const pauses = (await store.readMessages({ audience: { human: true }, after: 0 })).filter((message) => message.from === 'instance_1' && message.content.includes(' paused: '));
    return { status: record?.status, iteration: record?.iteration ?? 0, lastActivity: record?.lastActivity ?? '', usage: usageSchema.safeParse(record?.metadata.usage).data, pauses: pauses.map((message) => message.content) };
  });
}

/** How many of its debug log events named `event` instance_1 has written so far. */
function logged(runDirectory: string, event: string): number {
  return instanceLogEvents(runDirectory, 'instance_1').filter((entry) => entry.event === event).length;
}

/** Sends `text` to the paused instance_1 and resolves once it has read and held it (its debug log says so). */
async function sendWhilePaused(runDirectory: string, text: string): Promise<void> {
  expect((await cli(['send', '--run-dir', runDirectory, '--to', 'instance_1', text])).status).toBe(0);
  const sent = await withStore(runDirectory, async (store) => (await store.readMessages({ audience: { instance: 'instance_1' }, after: 0 })).find((message) => message.content === text));
  await waitFor(`the paused instance to hold "${text}"`, () =>
    instanceLogEvents(runDirectory, 'instance_1').some((entry) => entry.event === 'held' && sent !== undefined && entry.inbox?.includes(sent.seq)), 20_000);
}

/**
 * A model that never stops: every request, whatever it says, gets a tool call that only reads (the same one:
 * three calls a turn with the repeat note, so the default pace of 30 calls a minute is not what stops it).
 */
function neverIdleReader(): MockReply {
  return { toolCalls: [{ name: 'list_tasks', input: {} }] };
}

let findings = 0;
/** A model that never stops writing: every request shares one more finding. */
function neverIdleWriter(): MockReply {
  findings += 1;
  return { toolCalls: [{ name: 'share_finding', input: { content: `observation ${findings}: src/a.ts:2 converts without checking`, evidence: ['src/a.ts:2'] } }] };
}

describe('no runaway bills', () => {
  it('a model that always calls a tool, with default settings: read-only turns go idle, calls stay bounded, and the instance pauses and asks the human', async () => {
    const mock = await startMock(neverIdleReader);
    const { workspace: root, runDirectory } = workspace();
    withEnv('OPENAI_API_KEY', 'sk-cost-test');
    const run = new RunningCollective(root, runDirectory, ['--brain', 'openai-compatible', '--base-url', `${mock.url}/v1`, '--model', 'mock', '--instances', '1', '--no-dashboard'], DEBUG_LOG);
    cleanups.push(() => killCollective(run, runDirectory));

    // The first turn only reads: the instance goes idle, and the look-arounds every 1.5 s call no model.
    await waitFor('instance_1 idle after its first turn', async () => {
      const seen = await instance(runDirectory);
      return seen.iteration >= 1 && seen.status === 'idle' ? seen : undefined;
    }, 30_000);
    const afterFirst = mock.requests.length;
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThanOrEqual(8);
    // Two look-arounds later (each a turn skipped without a model call, in the debug log), still no new call.
    const skippedBefore = logged(runDirectory, 'turn_skipped');
    await waitFor('two look-arounds', () => logged(runDirectory, 'turn_skipped') >= skippedBefore + 2, 30_000);
    expect(mock.requests.length).toBe(afterFirst);
    expect(run.lines.some((line) => line.includes('no price known for model \\"mock\\"'))).toBe(true);

    // Each message wakes it; it only reads again. After six turns without progress it pauses and asks.
    for (let nudge = 1; nudge <= 6 && (await instance(runDirectory)).pauses.length === 0; nudge += 1) {
      const before = (await instance(runDirectory)).iteration;
      expect((await cli(['send', '--run-dir', runDirectory, '--to', 'instance_1', `nudge ${nudge}: anything new?`])).status).toBe(0);
      await waitFor(`instance_1 settles after nudge ${nudge}`, async () => {
        const seen = await instance(runDirectory);
        return seen.pauses.length > 0 || (seen.iteration >= before + 2 && seen.status === 'idle') ? seen : undefined;
      }, 60_000);
    }
    const paused = await waitFor('the pause question to the human', async () => (await instance(runDirectory)).pauses[0], 30_000);
    expect(paused).toMatch(/^instance_1 paused: no progress: 6 turns in a row only read, failed, or left messages unanswered\. Reply "resume"/);
    const state = await instance(runDirectory);
    expect(state.lastActivity).toMatch(/^paused: no progress/);
    expect(state.usage?.turns).toBe(6);
    const calls = mock.requests.length;
    expect(calls).toBeLessThanOrEqual(6 * 8);
    expect(calls).toBe(6 * 3);
    expect(state.usage?.modelCalls).toBe(calls);
    // Paused means no model calls, whatever arrives.
    await sendWhilePaused(runDirectory, 'still there?');
    expect(mock.requests.length).toBe(calls);
  }, 120_000);

  it('--max-cost without --model prices the default model and pauses at the limit; every Anthropic request carries cache breakpoints', async () => {
    const mock = await startMock(neverIdleWriter);
    const { workspace: root, runDirectory } = workspace();
    withEnv('ANTHROPIC_API_KEY', 'sk-ant-cost-test');
    const run = new RunningCollective(root, runDirectory, ['--brain', 'anthropic', '--base-url', `${mock.url}/v1`, '--instances', '1', '--max-cost', '0.05', '--no-dashboard'], DEBUG_LOG);
    cleanups.push(() => killCollective(run, runDirectory));

    const paused = await waitFor('the pause question to the human', async () => (await instance(runDirectory)).pauses[0], 60_000);
    expect(paused).toMatch(/^instance_1 paused: instance cost budget reached \(\$0\.0[5-9]\d* of \$0\.05\)/);
    const state = await instance(runDirectory);
    const calls = mock.requests.length;
    expect(state.usage?.modelCalls).toBe(calls);
    expect(state.usage?.costUsd).toBeGreaterThanOrEqual(0.05);
    // It stops within one call of the limit: the budget is checked after every model call, not only between turns.
    expect(state.usage?.costUsd).toBeLessThan(0.05 + 0.03);
    expect(state.usage?.cacheReadTokens).toBeGreaterThan(0);
    expect(new Set(mock.requests.map((request) => request.model))).toEqual(new Set(['claude-sonnet-4-5']));
    expect(run.lines.some((line) => line.includes('no price known'))).toBe(false);
    for (const request of mock.requests) {
      const body = z.looseObject({ system: z.array(z.looseObject({ cache_control: z.unknown() })), tools: z.array(z.looseObject({ name: z.string(), cache_control: z.unknown().optional() })) }).parse(request.body);
      expect(body.system[0]?.cache_control).toEqual({ type: 'ephemeral' });
      expect(body.tools.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
      expect(body.tools.filter((tool) => tool.cache_control !== undefined)).toHaveLength(1);
    }
    // `status` shows the spending: per instance and in total, with the share of input read from the cache.
    const status = await cli(['status', '--json', '--run-dir', runDirectory]);
    expect(status.status, status.stderr).toBe(0);
    const spent = z.looseObject({ usage: z.looseObject({ total: z.looseObject({ modelCalls: z.number(), cachedShare: z.number(), costUsd: z.number() }), instances: z.record(z.string(), z.looseObject({ costUsd: z.number() })) }) }).parse(JSON.parse(status.stdout));
    expect(spent.usage.total).toMatchObject({ modelCalls: calls, costUsd: state.usage?.costUsd });
    expect(spent.usage.total.cachedShare).toBeGreaterThan(0.5);
    expect(spent.usage.instances.instance_1?.costUsd).toBe(state.usage?.costUsd);
    const table = await cli(['status', '--run-dir', runDirectory]);
    const text = stripVTControlCharacters(table.stdout);
    expect(text).toMatch(new RegExp(`spent: ${calls} model calls · \\S+ tokens in \\(\\d+% cached\\) · \\S+ out · \\$0\\.0\\d{3}`));
    expect(text).toMatch(/│ calls +│ tokens +│ cached +│ cost/);
    expect(text).toMatch(/│ instance_1 .*│ \d+ +│ \S+ +│ \d+% +│ \$0\.0\d{3} +│ paused: instance cost budget reached/);
    await sendWhilePaused(runDirectory, 'still there?');
    expect(mock.requests.length).toBe(calls);
    // "resume" grows the budget by its size and the instance goes on.
    expect((await cli(['send', '--run-dir', runDirectory, '--to', 'instance_1', 'resume'])).status).toBe(0);
    await waitFor('model calls after resuming', () => mock.requests.length > calls || undefined, 30_000);
  }, 120_000);
});
