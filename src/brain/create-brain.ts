import type { Brain, BrainSetup } from './brain.js';
import { createHeuristicBrain } from './heuristic/create-heuristic-brain.js';
import { createScriptedBrain } from './scripted/create-scripted-brain.js';

/** Every brain `--brain` accepts. */
export const BRAIN_KINDS = ['heuristic', 'anthropic', 'openai-compatible', 'ollama', 'claude-agent', 'scripted'] as const;
export type BrainKind = (typeof BRAIN_KINDS)[number];

/** Thrown when a brain cannot be built (unknown kind, missing key, not in this build). */
export class BrainError extends Error {
  readonly marker = 'tachikoma.brain-error';
  constructor(
    readonly code: 'unknown_brain' | 'unavailable' | 'misconfigured',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BrainError';
  }

  static isInstance(error: unknown): error is BrainError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'tachikoma.brain-error';
  }
}

/** Builds the brain of one instance. */
export function createBrain(kind: string, setup: BrainSetup): Promise<Brain> {
  switch (kind) {
    case 'scripted':
      return Promise.resolve(createScriptedBrain(setup));
    case 'heuristic':
      return Promise.resolve(createHeuristicBrain(setup));
    case 'anthropic':
    case 'openai-compatible':
    case 'ollama':
    case 'claude-agent':
      return Promise.reject(new BrainError('unavailable', `the ${kind} brain is not part of this build yet; use the default heuristic brain (omit --brain)`));
    default:
      return Promise.reject(new BrainError('unknown_brain', `unknown brain ${JSON.stringify(kind)}; choose one of ${BRAIN_KINDS.join(', ')}`));
  }
}
