import { describe, expect, it } from 'vitest';
import { TRAITS, appeal, divergence, dominantTrait, initialPersonality, personalityDistance, shiftPersonality } from './personality.js';

describe('personalities', () => {
  it('start distinct per instance, reproducibly, within 0.15..0.85', () => {
    const first = initialPersonality('instance_1');
    expect(initialPersonality('instance_1')).toEqual(first);
    expect(initialPersonality('instance_2')).not.toEqual(first);
    expect(initialPersonality('instance_1', 'other seed')).not.toEqual(first);
    for (const trait of TRAITS) {
      expect(first[trait]).toBeGreaterThanOrEqual(0.15);
      expect(first[trait]).toBeLessThanOrEqual(0.85);
    }
  });

  it('shift with experience, staying within 0..1', () => {
    let personality = { thoroughness: 0.99, caution: 0.5, simplicity: 0.5, novelty: 0.01 };
    personality = shiftPersonality(personality, { kind: 'finding_cited' });
    expect(personality.thoroughness).toBe(1);
    personality = shiftPersonality(personality, { kind: 'task_failed' });
    expect(personality.caution).toBeGreaterThan(0.5);
    expect(personality.novelty).toBe(0);
    const lost = shiftPersonality({ thoroughness: 0.2, caution: 0.2, simplicity: 0.2, novelty: 0.2 }, { kind: 'vote_lost', winnerTraits: { simplicity: 1 } });
    expect(lost.simplicity).toBeCloseTo(0.4, 5);
  });

  it('measure distance, divergence, appeal and the dominant trait', () => {
    const a = { thoroughness: 1, caution: 0, simplicity: 0, novelty: 0 };
    const b = { thoroughness: 0, caution: 1, simplicity: 0, novelty: 0 };
    expect(personalityDistance(a, b)).toBeCloseTo(Math.SQRT2, 5);
    expect(divergence([a, a])).toBe(0);
    expect(divergence([a, b])).toBeCloseTo(1.414, 3);
    expect(divergence([a])).toBe(0);
    expect(appeal(a, { thoroughness: 0.6, caution: 0.4 })).toBeCloseTo(0.6, 5);
    expect(dominantTrait(b)).toBe('caution');
  });
});
