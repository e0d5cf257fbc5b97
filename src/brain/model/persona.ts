import { type Experience, type Personality, TRAITS, type Trait, initialPersonality, personalitySchema, shiftPersonality } from '../../collective/personality.js';
import { themeOfRecommendation } from '../../collective/themes.js';
import type { TurnContext } from '../brain.js';
import type { Notebook } from '../notebook.js';

/** How each trait reads when it stands out, high or low: the words the model is given about itself. */
const TRAIT_WORDS: Record<Trait, { high: [string, string]; low: [string, string] }> = {
  thoroughness: {
    high: ['thorough', 'you read the code around a claim and check it at its line before you share it'],
    low: ['brisk', 'you share a result once it is confirmed at its line, without exhaustive checks'],
  },
  caution: {
    high: ['cautious', 'you flag risks, prefer reversible choices, and vote against what the evidence does not support'],
    low: ['bold', 'you take a position quickly and say so plainly'],
  },
  simplicity: {
    high: ['a simplifier', 'you prefer the plainest fix and short reports'],
    low: ['at ease with complexity', 'you follow intricate paths when they matter'],
  },
  novelty: {
    high: ['curious', 'you look where nobody has looked yet'],
    low: ['steady', 'you finish known work before exploring'],
  },
};

/** Above this a trait stands out high, below 1 - this low; in between it is not mentioned. */
const STANDS_OUT = 0.62;

/** The traits that stand out, strongest first. */
interface Salient {
  trait: Trait;
  level: 'high' | 'low';
  strength: number;
}

function salient(personality: Personality): Array<{ trait: Trait; level: 'high' | 'low' }> {
  return TRAITS.flatMap((trait): Salient[] => {
    const value = personality[trait];
    if (value >= STANDS_OUT) return [{ trait, level: 'high', strength: value - 0.5 }];
    if (value <= 1 - STANDS_OUT) return [{ trait, level: 'low', strength: 0.5 - value }];
    return [];
  })
    .sort((a, b) => b.strength - a.strength)
    .map(({ trait, level }) => ({ trait, level }));
}

/** The persona in a few words, e.g. "thorough, cautious" (shown in status and the dashboard). */
export function personaLabel(personality: Personality): string {
  const traits = salient(personality);
  return traits.length === 0 ? 'balanced' : traits.map(({ trait, level }) => TRAIT_WORDS[trait][level][0]).join(', ');
}

/**
 * The persona as the system prompt says it. It names only which traits stand out, not their values, so it
 * changes (and the cached system prompt with it) only when experience moves a trait across a threshold.
 */
export function personaText(personality: Personality): string {
  const traits = salient(personality);
  if (traits.length === 0) return 'Your character: balanced — you weigh thoroughness, caution, simplicity and novelty evenly. Your character shifts with experience.';
  const parts = traits.map(({ trait, level }) => `${TRAIT_WORDS[trait][level][0]} (${TRAIT_WORDS[trait][level][1]})`);
  return `Your character: ${parts.join('; ')}. Let it show in what you pick to work on, how you argue and how you vote; it shifts with experience.`;
}

/** The personality an instance had at its last turn (from its metadata), or its own starting one. */
export function loadPersonality(instanceId: string, metadata: Record<string, unknown>): Personality {
  const stored = personalitySchema.safeParse(metadata.personality);
  return stored.success ? stored.data : initialPersonality(instanceId);
}

/** The experiences a turn's inbox brings: how each proposal this instance voted on ended for it. */
function consensusExperiences(context: Pick<TurnContext, 'inbox' | 'instance'>, notebook: Notebook): Array<{ proposalId: string; experience: Experience }> {
  return context.inbox.flatMap((message) => {
    if (message.type !== 'consensus') return [];
    const { proposalId, winner, dissent } = message.metadata;
    if (typeof proposalId !== 'string' || !notebook.voted.includes(proposalId) || notebook.learned.includes(proposalId)) return [];
    const dissented = Array.isArray(dissent) && dissent.some((entry) => typeof entry === 'object' && entry !== null && 'voter' in entry && entry.voter === context.instance.id);
    const winnerTraits = typeof winner === 'string' ? themeOfRecommendation(winner)?.weights ?? {} : {};
    return [{ proposalId, experience: dissented ? { kind: 'vote_lost' as const, winnerTraits } : { kind: 'vote_won' as const } }];
  });
}

/**
 * Shifts a personality by what happened, as the heuristic brain's does: each consensus on a proposal this
 * instance voted on (won or dissented, once per proposal). Returns the new personality and the notebook with
 * those proposals marked as learned from.
 */
export function learnFromExperience(personality: Personality, context: Pick<TurnContext, 'inbox' | 'instance'>, notebook: Notebook): { personality: Personality; notebook: Notebook } {
  const experiences = consensusExperiences(context, notebook);
  if (experiences.length === 0) return { personality, notebook };
  const shifted = experiences.reduce((current, { experience }) => shiftPersonality(current, experience), personality);
  const learned = [...notebook.learned, ...experiences.map(({ proposalId }) => proposalId)].slice(-50);
  return { personality: shifted, notebook: { ...notebook, learned } };
}

/** A failed task of this turn makes an instance a little more cautious. */
export function learnFromTurn(personality: Personality, failedTasks: number): Personality {
  let next = personality;
  for (let count = 0; count < failedTasks; count += 1) next = shiftPersonality(next, { kind: 'task_failed' });
  return next;
}
