import type { ModelMessage } from 'ai';
import type { Personality } from '../../collective/personality.js';
import type { JsonValue, TurnContext } from '../brain.js';
import { type Notebook, readNotebook } from '../notebook.js';
import { DEFAULT_NOTEBOOK_TOKENS, compactNotebook } from './compact-notebook.js';
import { type StepRecord, notebookMessages, recordTurn } from './conversation-notebook.js';
import { learnFromExperience, learnFromTurn, loadPersonality, personaLabel, personaText } from './persona.js';

/** What one turn takes from the instance's continuity, and how it gives back. */
export interface TurnMemory {
  /** The persona, for the system prompt. */
  persona: string;
  /** The notebook as prior messages (empty when the notebook is off). */
  prior: ModelMessage[];
  /** After the turn: the notebook to save (absent when off) and the metadata that changed (persona, personality). */
  finish(steps: readonly StepRecord[]): { notebook?: Notebook; metadata?: Record<string, JsonValue> };
}

/** How an instance keeps its continuity: the notebook's budget (0 keeps none) and the clock of its entries. */
export interface ContinuityOptions {
  notebookTokens?: number;
  clock?: () => number;
}

function failedTasks(steps: readonly StepRecord[]): number {
  return steps.reduce((sum, step) => sum + step.toolCalls.filter((call) => call.toolName === 'fail_task').length, 0);
}

/**
 * The continuity of one instance across its turns: its notebook (read from the turn's context, where the
 * runtime put it from the store) and its persona (from its metadata, shifted by what happened). One per
 * brain; `begin` once per turn.
 */
export function createContinuity(options: ContinuityOptions = {}): { begin(context: TurnContext): TurnMemory } {
  const budget = options.notebookTokens ?? DEFAULT_NOTEBOOK_TOKENS;
  const clock = options.clock ?? Date.now;
  let announced: string | undefined;
  let personality: Personality | undefined;
  return {
    begin(context: TurnContext): TurnMemory {
      const stored = readNotebook(context.notebook);
      const learned = learnFromExperience(personality ?? loadPersonality(context.instance.id, context.instance.metadata), context, stored);
      const before = learned.personality;
      return {
        persona: personaText(before),
        prior: budget === 0 ? [] : notebookMessages(stored),
        finish(steps) {
          personality = learnFromTurn(before, failedTasks(steps));
          const metadata = { personality: { ...personality }, persona: personaLabel(personality) };
          const fingerprint = JSON.stringify(metadata);
          const changed = fingerprint !== announced;
          announced = fingerprint;
          const notebook = budget === 0 ? undefined : compactNotebook(recordTurn(learned.notebook, context, steps, new Date(clock()).toISOString()), budget);
          return { ...(notebook === undefined ? {} : { notebook }), ...(changed ? { metadata } : {}) };
        },
      };
    },
  };
}
