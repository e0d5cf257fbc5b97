import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The values an instance weighs when it chooses work and votes. */
export const TRAITS = ['thoroughness', 'caution', 'simplicity', 'novelty'] as const;
export type Trait = (typeof TRAITS)[number];

export const personalitySchema = z.strictObject({
  thoroughness: z.number().min(0).max(1),
  caution: z.number().min(0).max(1),
  simplicity: z.number().min(0).max(1),
  novelty: z.number().min(0).max(1),
});
export type Personality = z.infer<typeof personalitySchema>;

/** What happened to an instance that shapes who it becomes. */
export type Experience =
  | { kind: 'vote_won' }
  | { kind: 'vote_lost'; winnerTraits: Partial<Personality> }
  | { kind: 'finding_cited' }
  | { kind: 'task_failed' }
  | { kind: 'found'; category: 'risky' | 'tests' | 'structure' | 'debt' };

const STEP = 0.04;

function clamp(value: number): number {
  return Math.min(1, Math.max(0, Math.round(value * 1000) / 1000));
}

/**
 * A distinct starting personality per instance, derived from its id (and an optional seed) so a run is
 * reproducible: each trait between 0.15 and 0.85.
 */
export function initialPersonality(instanceId: string, seed = ''): Personality {
  const digest = createHash('sha256').update(`${seed}\u0000${instanceId}`).digest();
  const trait = (index: number): number => clamp(0.15 + ((digest[index] ?? 128) / 255) * 0.7);
  return { thoroughness: trait(0), caution: trait(1), simplicity: trait(2), novelty: trait(3) };
}

/** How experience shifts a personality: small steps, always within 0..1. */
export function shiftPersonality(personality: Personality, experience: Experience): Personality {
  const next = { ...personality };
  switch (experience.kind) {
    case 'vote_won':
      next.novelty = clamp(next.novelty + STEP / 2);
      break;
    case 'vote_lost':
      // Losing a vote pulls an instance a little toward what the collective valued.
      for (const trait of TRAITS) {
        const target = experience.winnerTraits[trait];
        if (target !== undefined) next[trait] = clamp(next[trait] + (target - next[trait]) * 0.25);
      }
      next.caution = clamp(next.caution + STEP / 2);
      break;
    case 'finding_cited':
      next.thoroughness = clamp(next.thoroughness + STEP);
      break;
    case 'task_failed':
      next.caution = clamp(next.caution + STEP);
      next.novelty = clamp(next.novelty - STEP / 2);
      break;
    case 'found':
      if (experience.category === 'risky') next.caution = clamp(next.caution + STEP / 2);
      if (experience.category === 'tests') next.thoroughness = clamp(next.thoroughness + STEP / 2);
      if (experience.category === 'structure') next.simplicity = clamp(next.simplicity + STEP / 2);
      if (experience.category === 'debt') next.novelty = clamp(next.novelty - STEP / 4);
      break;
  }
  return next;
}

/** Euclidean distance between two personalities (0 … 2). */
export function personalityDistance(a: Personality, b: Personality): number {
  return Math.sqrt(TRAITS.reduce((sum, trait) => sum + (a[trait] - b[trait]) ** 2, 0));
}

/** Mean pairwise distance of a set of personalities: how far apart the collective's characters are. */
export function divergence(personalities: readonly Personality[]): number {
  let total = 0;
  let pairs = 0;
  for (let i = 0; i < personalities.length; i += 1) {
    for (let j = i + 1; j < personalities.length; j += 1) {
      const a = personalities[i];
      const b = personalities[j];
      if (a === undefined || b === undefined) continue;
      total += personalityDistance(a, b);
      pairs += 1;
    }
  }
  return pairs === 0 ? 0 : Math.round((total / pairs) * 1000) / 1000;
}

/** How much a personality values something with the given trait weights (dot product, 0..1 when weights sum to 1). */
export function appeal(personality: Personality, weights: Partial<Personality>): number {
  return TRAITS.reduce((sum, trait) => sum + personality[trait] * (weights[trait] ?? 0), 0);
}

/** The trait that stands out most in a personality. */
export function dominantTrait(personality: Personality): Trait {
  return TRAITS.reduce((best, trait) => (personality[trait] > personality[best] ? trait : best), TRAITS[0]);
}
