import type { Brain, BrainSetup } from './brain.js';
import { BrainError } from './brain-error.js';
import type { BrainEnvironment } from './model/llm-options.js';

export { BrainError } from './brain-error.js';

/**
 * One entry per brain kind: everything the rest of Tachikoma needs to know about a brain. Adding a brain is adding
 * an entry here. Each brain's code is loaded on demand (`load`, `check`), so the command line and an instance
 * process load only what they use (the AI SDK, the Agent SDK, the analyser are not loaded for nothing).
 */
export interface BrainEntry {
  /** Builds the brain of one instance. */
  load(setup: BrainSetup, env: BrainEnvironment): Promise<Brain>;
  /**
   * Checks, before any instance is spawned, that the brain can be built with these options in this environment
   * (keys, models, the SDK installed): a misconfiguration is one clear line instead of a crash loop.
   * Throws BrainError('misconfigured').
   */
  check?(options: Record<string, unknown>, env: BrainEnvironment): Promise<void>;
  /** Does it open network connections of its own (a model API)? Offline brains start without TLS roots. */
  network: boolean;
  /** Does it take --model and --base-url? */
  takesModel: boolean;
  /** One line for --help and the README. */
  summary: string;
}

const checkLlm = (kind: 'anthropic' | 'openai-compatible' | 'ollama') => async (options: Record<string, unknown>, env: BrainEnvironment): Promise<void> => {
  const { checkBrainConfig } = await import('./check-brain-config.js');
  checkBrainConfig(kind, options, env);
};

const llmEntry = (kind: 'anthropic' | 'openai-compatible' | 'ollama', summary: string): BrainEntry => ({
  load: async (setup, env) => (await import('./llm/create-llm-brain.js')).createProviderBrain(kind, setup, env),
  check: checkLlm(kind),
  network: true,
  takesModel: true,
  summary,
});

export const BRAINS = {
  heuristic: {
    load: async (setup) => (await import('./heuristic/create-heuristic-brain.js')).createHeuristicBrain(setup),
    network: false,
    takesModel: false,
    summary: 'no model: a multi-instance code audit with path:line evidence',
  },
  anthropic: llmEntry('anthropic', 'Claude through the Messages API (ANTHROPIC_API_KEY)'),
  'openai-compatible': llmEntry('openai-compatible', 'any OpenAI-compatible chat server (--base-url, OPENAI_API_KEY)'),
  ollama: llmEntry('ollama', 'a local Ollama server (OLLAMA_HOST)'),
  'claude-agent': {
    load: async (setup) => (await import('./claude-agent/create-claude-agent-brain.js')).createClaudeAgentBrain(setup),
    check: async (options, env) => {
      const { checkBrainConfig } = await import('./check-brain-config.js');
      checkBrainConfig('claude-agent', options, env);
    },
    network: true,
    takesModel: true,
    summary: 'Claude Code through the Agent SDK (optional peer dependency)',
  },
  scripted: {
    load: async (setup) => (await import('./scripted/create-scripted-brain.js')).createScriptedBrain(setup),
    network: false,
    takesModel: false,
    summary: 'replays a script of tool calls (tests and demos)',
  },
} as const satisfies Record<string, BrainEntry>;

export type BrainKind = keyof typeof BRAINS;

/** Every brain `--brain` accepts. */
export const BRAIN_KINDS = Object.keys(BRAINS) as BrainKind[];

export function isBrainKind(kind: string): kind is BrainKind {
  return Object.hasOwn(BRAINS, kind);
}

/** Does a brain of this kind call a paid model (so the governor's default budgets apply)? */
export function usesModel(kind: string): boolean {
  return isBrainKind(kind) && BRAINS[kind].takesModel;
}

/** The registry entry of `kind`, or a BrainError naming the choices. */
export function brainEntry(kind: string): BrainEntry {
  if (!isBrainKind(kind)) throw new BrainError('unknown_brain', `unknown brain ${JSON.stringify(kind)}; choose one of ${BRAIN_KINDS.join(', ')}`);
  return BRAINS[kind];
}

/** Builds the brain of one instance (see BrainEntry.load). */
export function createBrain(kind: string, setup: BrainSetup, env: BrainEnvironment = process.env): Promise<Brain> {
  return brainEntry(kind).load(setup, env);
}

/** Checks a brain's configuration before anything is spawned (see BrainEntry.check). */
export async function checkBrainConfig(kind: string, options: Record<string, unknown>, env: BrainEnvironment = process.env): Promise<void> {
  await brainEntry(kind).check?.(options, env);
}
