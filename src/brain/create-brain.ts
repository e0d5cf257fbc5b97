import type { Brain, BrainSetup } from './brain.js';
import { BrainError } from './brain-error.js';
import { createHeuristicBrain } from './heuristic/create-heuristic-brain.js';
import { createScriptedBrain } from './scripted/create-scripted-brain.js';

export { BrainError } from './brain-error.js';
export { checkBrainConfig } from './llm/check-brain-config.js';

/** Every brain `--brain` accepts. */
export const BRAIN_KINDS = ['heuristic', 'anthropic', 'openai-compatible', 'ollama', 'claude-agent', 'scripted'] as const;
export type BrainKind = (typeof BRAIN_KINDS)[number];

/** Builds the brain of one instance. LLM brains are loaded on demand, so other brains never load the AI SDK or the Agent SDK. */
export async function createBrain(kind: string, setup: BrainSetup): Promise<Brain> {
  switch (kind) {
    case 'scripted':
      return createScriptedBrain(setup);
    case 'heuristic':
      return createHeuristicBrain(setup);
    case 'anthropic':
    case 'openai-compatible':
    case 'ollama': {
      const { createProviderBrain } = await import('./llm/create-llm-brain.js');
      return createProviderBrain(kind, setup, process.env);
    }
    case 'claude-agent': {
      const { createClaudeAgentBrain } = await import('./claude-agent/create-claude-agent-brain.js');
      return createClaudeAgentBrain(setup);
    }
    default:
      throw new BrainError('unknown_brain', `unknown brain ${JSON.stringify(kind)}; choose one of ${BRAIN_KINDS.join(', ')}`);
  }
}
