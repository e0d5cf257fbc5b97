import { describe, expect, it } from 'vitest';
import { governorSettingsSchema } from '../../governor/budget.js';
import { governorFromFlags } from './governor-flags.js';

describe('the governor from the config and the flags', () => {
  it('is on with the defaults for model brains, off for the others unless asked for', () => {
    expect(governorFromFlags(undefined, {}, true)).toMatchObject({ perInstance: { tokens: 2_000_000, modelCalls: 400 }, collective: { tokens: 8_000_000 }, maxModelCallsPerMinute: 30, minTurnGapMs: 3000 });
    expect(governorFromFlags(undefined, {}, false)).toBeUndefined();
    expect(governorFromFlags(undefined, { maxTurns: '2' }, false)).toMatchObject({ perInstance: { turns: 2 } });
  });

  it('takes flags over the config over the defaults; 0 or off lifts a limit', () => {
    const configured = governorSettingsSchema.parse({ perInstance: { tokens: 100_000 }, maxModelCallsPerMinute: 5 });
    expect(governorFromFlags(configured, { maxCost: '0.5' }, true)).toMatchObject({ perInstance: { tokens: 100_000, modelCalls: 400, costUsd: 0.5 }, maxModelCallsPerMinute: 5 });
    expect(governorFromFlags(undefined, { maxTokens: 'off', maxCalls: '0', callsPerMinute: 'off' }, true)).toMatchObject({ perInstance: { tokens: 0, modelCalls: 0 }, maxModelCallsPerMinute: 0 });
  });

  it('is off with --no-governor or "governor": "off"; a limit flag alone still applies then', () => {
    expect(governorFromFlags(undefined, { governor: false }, true)).toBe('off');
    expect(governorFromFlags('off', {}, true)).toBe('off');
    const onlyCost = governorFromFlags('off', { maxCost: '1' }, true);
    expect(onlyCost).toMatchObject({ perInstance: { costUsd: 1 } });
    expect(onlyCost === 'off' ? undefined : onlyCost?.perInstance.tokens).toBeUndefined();
  });

  it('refuses a limit that is not a number with one line', () => {
    expect(() => governorFromFlags(undefined, { maxCost: 'lots' }, true)).toThrow('--max-cost takes a positive number, or 0 or off for no limit, got "lots"');
    expect(() => governorFromFlags(undefined, { maxCalls: '-3' }, true)).toThrow(/--max-calls takes a positive number/);
  });
});
