import type { Brain, BrainSetup } from './brain.js';
import { BrainError } from './brain-error.js';
import { BRAIN_KINDS } from './brain-kinds.js';

export { BrainError } from './brain-error.js';
export { BRAIN_KINDS, type BrainKind } from './brain-kinds.js';

/**
 * Builds the brain of one instance. Each brain's code is loaded on demand: an instance process loads only its
 * own brain (the LLM brains' AI SDK, the Agent SDK, the heuristic brain's analyzers), which keeps its start-up cheap.
 */
export async function createBrain(kind: string, setup: BrainSetup): Promise<Brain> {
  switch (kind) {
    case 'scripted': {
      const { createScriptedBrain } = await import('./scripted/create-scripted-brain.js');
      return createScriptedBrain(setup);
    }
    case 'heuristic': {
      const { createHeuristicBrain } = await import('./heuristic/create-heuristic-brain.js');
      return createHeuristicBrain(setup);
    }
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
