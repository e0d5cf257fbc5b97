import { describe, expect, it } from 'vitest';
import type { CollectiveStore } from '../store/index.js';
import { budgetExceeded, extendBudget, governorSettingsSchema } from './budget.js';
import { Governor } from './governor.js';
import { LoopGuard } from './loop-guard.js';
import { costOf, priceOf } from './price-table.js';

const noStore = { listInstances: () => Promise.resolve([]) } as unknown as CollectiveStore;

describe('budgets', () => {
  it('trip on the first limit reached and grow by their original size on resume', () => {
    const usage = { turns: 3, inputTokens: 900, outputTokens: 200, costUsd: 0.5, wallSeconds: 10, modelCalls: 3, cachedInputTokens: 0 };
    expect(budgetExceeded({ turns: 5 }, usage, 'instance')).toBeNull();
    expect(budgetExceeded({ tokens: 1000 }, usage, 'instance')).toBe('instance token budget reached (1100 of 1000 tokens)');
    expect(budgetExceeded({ costUsd: 0.25 }, usage, 'collective')).toMatch(/collective cost budget reached/);
    expect(extendBudget({ tokens: 1000, turns: 10 }, usage, { tokens: 1000, turns: 10 })).toEqual({ tokens: 2100, turns: 10 });
  });

  it('price tokens by model, with overrides and prefixes; unknown models are free', () => {
    expect(priceOf('claude-sonnet-4-20250514')).toEqual({ input: 3, output: 15 });
    expect(priceOf('gpt-4o-mini')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf('llama3')).toEqual({ input: 0, output: 0 });
    expect(priceOf('mine', { mine: { input: 1, output: 2 } })).toEqual({ input: 1, output: 2 });
    expect(costOf({ input: 3, output: 15 }, 1_000_000, 100_000)).toBeCloseTo(4.5, 6);
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
    expect(reported.recordTurn({ usage: { inputTokens: 1000, outputTokens: 100, costUsd: 0.25 }, successfulCalls: 1, inboxSize: 0 }).costUsd).toBe(0.25);
    expect(reported.recordTurn({ usage: { inputTokens: 1000, outputTokens: 100 }, successfulCalls: 1, inboxSize: 0 }).costUsd).toBeCloseTo(0.25 + (1000 * 3 + 100 * 15) / 1e6, 9);
    const priced = new Governor(governorSettingsSchema.parse({ prices: { 'claude-sonnet-4': { input: 1, output: 1 } } }), 'claude-sonnet-4', undefined);
    expect(priced.recordTurn({ usage: { inputTokens: 1000, outputTokens: 1000, costUsd: 0.25 }, successfulCalls: 1, inboxSize: 0 }).costUsd).toBeCloseTo(0.002, 9);
  });

  it('counts turns and tokens, pauses at the budget, continues the count after a restart, and resumes with more budget', async () => {
    const settings = governorSettingsSchema.parse({ perInstance: { turns: 2, tokens: 500 } });
    const governor = new Governor(settings, 'claude-sonnet-4', undefined);
    governor.recordTurn({ usage: { inputTokens: 100, outputTokens: 50 }, successfulCalls: 1, inboxSize: 1 });
    expect(await governor.pauseReason(noStore, 'instance_1')).toBeNull();
    const used = governor.recordTurn({ usage: { inputTokens: 100, outputTokens: 50 }, successfulCalls: 1, inboxSize: 0 });
    expect(used).toMatchObject({ turns: 2, inputTokens: 200, outputTokens: 100 });
    expect(used.costUsd).toBeCloseTo((200 * 3 + 100 * 15) / 1e6, 9);
    expect(await governor.pauseReason(noStore, 'instance_1')).toMatch(/instance turn budget reached/);
    const restarted = new Governor(settings, 'claude-sonnet-4', used);
    expect(await restarted.pauseReason(noStore, 'instance_1')).toMatch(/turn budget/);
    restarted.resume();
    expect(await restarted.pauseReason(noStore, 'instance_1')).toBeNull();
  });

  it('pauses after turns without progress, and on the collective budget summed over the registry', async () => {
    const governor = new Governor(governorSettingsSchema.parse({ maxTurnsWithoutProgress: 2, collective: { tokens: 1000 } }), undefined, undefined);
    governor.recordTurn({ successfulCalls: 0, inboxSize: 2 });
    governor.recordTurn({ successfulCalls: 0, inboxSize: 1 });
    expect(await governor.pauseReason(noStore, 'instance_1')).toMatch(/no progress: 2 turns/);
    governor.resume();
    const others = { listInstances: () => Promise.resolve([{ id: 'instance_2', metadata: { usage: { turns: 5, inputTokens: 900, outputTokens: 200, costUsd: 0, wallSeconds: 1 } } }]) } as unknown as CollectiveStore;
    expect(await governor.pauseReason(others, 'instance_1')).toMatch(/collective token budget reached \(1100 of 1000/);
  });
});
