import { describe, expect, it } from 'vitest';
import type { CollectiveStore } from '../store/index.js';
import { NO_USAGE, budgetExceeded, extendBudget, governorSettingsSchema } from './budget.js';
import { Governor } from './governor.js';
import { CallPacer } from './call-pacer.js';
import { resolveGovernor } from './default-governor.js';
import { LoopGuard } from './loop-guard.js';
import { costOf, findPrice, priceOf } from './price-table.js';

const noStore = { listInstances: () => Promise.resolve([]) } as unknown as CollectiveStore;

describe('budgets', () => {
  it('trip on the first limit reached and grow by their original size on resume', () => {
    const usage = { ...NO_USAGE, turns: 3, modelCalls: 7, inputTokens: 900, outputTokens: 200, costUsd: 0.5, wallSeconds: 10 };
    expect(budgetExceeded({ turns: 5 }, usage, 'instance')).toBeNull();
    expect(budgetExceeded({ tokens: 1000 }, usage, 'instance')).toBe('instance token budget reached (1100 of 1000 tokens)');
    expect(budgetExceeded({ costUsd: 0.25 }, usage, 'collective')).toMatch(/collective cost budget reached/);
    expect(extendBudget({ tokens: 1000, turns: 10 }, usage, { tokens: 1000, turns: 10 })).toEqual({ tokens: 2100, turns: 10 });
  });

  it('price tokens by model, with overrides and prefixes; unknown models are free and known as unpriced', () => {
    expect(priceOf('claude-sonnet-4-20250514')).toEqual({ input: 3, output: 15 });
    expect(priceOf('gpt-4o-mini')).toMatchObject({ input: 0.15, output: 0.6 });
    expect(priceOf('llama3')).toMatchObject({ input: 0, output: 0 });
    expect(findPrice('llama3')).toBeUndefined();
    expect(priceOf('mine', { mine: { input: 1, output: 2 } })).toEqual({ input: 1, output: 2 });
    expect(costOf({ input: 3, output: 15 }, { inputTokens: 1_000_000, outputTokens: 100_000 })).toBeCloseTo(4.5, 6);
  });

  it('price cache reads at a tenth and cache writes at 1.25× the input price unless the price says otherwise', () => {
    // 1M input tokens of which 600k read from the cache and 300k written to it; 100k fresh.
    const tokens = { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 600_000, cacheWriteTokens: 300_000 };
    expect(costOf({ input: 3, output: 15 }, tokens)).toBeCloseTo(0.3 + 0.6 * 0.3 + 0.3 * 3.75, 6);
    expect(costOf({ input: 3, output: 15, cacheRead: 0, cacheWrite: 3 }, tokens)).toBeCloseTo(0.3 + 0 + 0.9, 6);
  });

  it('treat 0 as no limit, and count model calls', () => {
    const usage = { ...NO_USAGE, modelCalls: 400, inputTokens: 5_000_000 };
    expect(budgetExceeded({ tokens: 0, modelCalls: 0 }, usage, 'instance')).toBeNull();
    expect(budgetExceeded({ modelCalls: 400 }, usage, 'instance')).toBe('instance model-call budget reached (400 of 400 calls)');
  });
});

describe('the loop guard', () => {
  it('refuses the same call repeated and floods to one peer, per minute', () => {
    let now = 0;
    const guard = new LoopGuard(3, 2, () => now);
    expect(guard.check('search_memory', { query: 'x' })).toBeNull();
    expect(guard.check('search_memory', { query: 'x' })).toBeNull();
    expect(guard.check('search_memory', { query: 'x' })).toMatch(/same input 3 times/);
    expect(guard.check('search_memory', { query: 'y' })).toBeNull();
    expect(guard.check('send_message', { to: 'instance_2', content: 'a' })).toBeNull();
    expect(guard.check('send_message', { to: 'instance_2', content: 'b' })).toBeNull();
    expect(guard.check('send_message', { to: 'instance_2', content: 'c' })).toMatch(/already 2 messages to instance_2/);
    expect(guard.check('send_message', { to: 'instance_3', content: 'c' })).toBeNull();
    now += 61_000;
    expect(guard.check('send_message', { to: 'instance_2', content: 'd' })).toBeNull();
  });
});

describe('the governor', () => {
  it('takes the cost a provider reports, unless the config prices the model', () => {
    const reported = new Governor(governorSettingsSchema.parse({}), 'claude-sonnet-4', undefined);
    expect(reported.recordTurn({ usage: { inputTokens: 1000, outputTokens: 100, costUsd: 0.25 }, effect: 'progress' }).costUsd).toBe(0.25);
    expect(reported.recordTurn({ usage: { inputTokens: 1000, outputTokens: 100 }, effect: 'progress' }).costUsd).toBeCloseTo(0.25 + (1000 * 3 + 100 * 15) / 1e6, 9);
    const priced = new Governor(governorSettingsSchema.parse({ prices: { 'claude-sonnet-4': { input: 1, output: 1 } } }), 'claude-sonnet-4', undefined);
    expect(priced.recordTurn({ usage: { inputTokens: 1000, outputTokens: 1000, costUsd: 0.25 }, effect: 'progress' }).costUsd).toBeCloseTo(0.002, 9);
  });

  it('counts turns and tokens, pauses at the budget, continues the count after a restart, and resumes with more budget', async () => {
    const settings = governorSettingsSchema.parse({ perInstance: { turns: 2, tokens: 500 } });
    const governor = new Governor(settings, 'claude-sonnet-4', undefined);
    governor.recordTurn({ usage: { inputTokens: 100, outputTokens: 50 }, effect: 'progress' });
    expect(await governor.pauseReason(noStore, 'instance_1')).toBeNull();
    const used = governor.recordTurn({ usage: { inputTokens: 100, outputTokens: 50 }, effect: 'progress' });
    expect(used).toMatchObject({ turns: 2, modelCalls: 2, inputTokens: 200, outputTokens: 100 });
    expect(used.costUsd).toBeCloseTo((200 * 3 + 100 * 15) / 1e6, 9);
    expect(await governor.pauseReason(noStore, 'instance_1')).toMatch(/instance turn budget reached/);
    const restarted = new Governor(settings, 'claude-sonnet-4', used);
    expect(await restarted.pauseReason(noStore, 'instance_1')).toMatch(/turn budget/);
    restarted.resume();
    expect(await restarted.pauseReason(noStore, 'instance_1')).toBeNull();
  });

  it('pauses after turns without progress, and on the collective budget summed over the registry', async () => {
    const governor = new Governor(governorSettingsSchema.parse({ maxTurnsWithoutProgress: 2, collective: { tokens: 1000 } }), undefined, undefined);
    governor.recordTurn({ effect: 'nothing' });
    governor.recordTurn({ effect: 'unhandled' });
    governor.recordTurn({ effect: 'nothing' });
    expect(await governor.pauseReason(noStore, 'instance_1')).toMatch(/no progress: 2 turns in a row only read/);
    governor.resume();
    const others = { listInstances: () => Promise.resolve([{ id: 'instance_2', metadata: { usage: { turns: 5, inputTokens: 900, outputTokens: 200, costUsd: 0, wallSeconds: 1 } } }]) } as unknown as CollectiveStore;
    expect(await governor.pauseReason(others, 'instance_1')).toMatch(/collective token budget reached \(1100 of 1000/);
  });

  it('counts each model call as it finishes, stops a turn once the budget is spent, and does not count the turn total again', () => {
    const governor = new Governor(governorSettingsSchema.parse({ perInstance: { modelCalls: 2 } }), 'claude-sonnet-4', undefined);
    const hooks = governor.hooks();
    hooks.afterCall({ inputTokens: 1000, outputTokens: 10, cacheReadTokens: 800 });
    expect(hooks.stopReason()).toBeNull();
    hooks.afterCall({ inputTokens: 1000, outputTokens: 10, cacheReadTokens: 800 });
    expect(hooks.stopReason()).toBe('instance model-call budget reached (2 of 2 calls)');
    const used = governor.recordTurn({ usage: { inputTokens: 2000, outputTokens: 20, modelCalls: 2 }, effect: 'progress' });
    expect(used).toMatchObject({ turns: 1, modelCalls: 2, inputTokens: 2000, cacheReadTokens: 1600 });
    expect(used.costUsd).toBeCloseTo((2 * (200 * 3 + 800 * 0.3 + 10 * 15)) / 1e6, 9);
  });
});

describe('the call pacer', () => {
  it('lets a burst up to the limit go and makes the next call wait until the oldest is a minute old', async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = new CallPacer(3, () => now, (ms) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    });
    const signal = new AbortController().signal;
    for (let call = 0; call < 3; call += 1) {
      await pacer.wait(signal);
      now += 1000;
    }
    expect(waits).toEqual([]);
    await pacer.wait(signal);
    expect(waits).toEqual([57_000]);
    expect(new CallPacer(0, () => now).delayMs()).toBe(0);
  });
});

describe('the default governor', () => {
  it('is on for model brains with their defaults, keeps what the config sets (0 lifts a limit), and can be turned off', () => {
    expect(resolveGovernor(undefined, false)).toBeUndefined();
    expect(resolveGovernor(undefined, true)).toMatchObject({ perInstance: { tokens: 2_000_000, modelCalls: 400 }, collective: { tokens: 8_000_000 }, maxModelCallsPerMinute: 30 });
    const own = resolveGovernor(governorSettingsSchema.parse({ perInstance: { tokens: 0, costUsd: 5 }, maxModelCallsPerMinute: 0 }), true);
    expect(own).toMatchObject({ perInstance: { tokens: 0, modelCalls: 400, costUsd: 5 }, maxModelCallsPerMinute: 0 });
    expect(resolveGovernor('off', true)).toBeUndefined();
  });
});
