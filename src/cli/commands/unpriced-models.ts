import { BrainError } from '../../brain/brain-error.js';
import { resolveClaudeAgentConfig } from '../../brain/claude-agent/claude-agent-options.js';
import { resolveLlmBrainConfig } from '../../brain/check-brain-config.js';
import { isLlmBrainKind } from '../../brain/model/llm-options.js';
import type { BrainEnvironment } from '../../brain/model/llm-options.js';
import type { Price } from '../../governor/budget.js';
import { findPrice } from '../../governor/price-table.js';
import type { InstanceSpec } from '../../orchestrator/run-config.js';

/** The model an instance's brain will call, its default included; undefined for brains without one. */
export function resolvedModel(spec: InstanceSpec, env: BrainEnvironment): string | undefined {
  try {
    if (isLlmBrainKind(spec.brain)) return spec.brain === 'ollama' ? undefined : resolveLlmBrainConfig(spec.brain, spec.brainOptions, env).model;
    if (spec.brain === 'claude-agent') return resolveClaudeAgentConfig(spec.brainOptions, env, spec.role).model;
  } catch (error) {
    if (BrainError.isInstance(error)) return undefined;
    throw error;
  }
  return undefined;
}

/**
 * The models of a run that no price covers (built-in table or `governor.prices`), each named once. Ollama runs
 * models locally: it is never named, its tokens are free.
 */
export function unpricedModels(instances: readonly InstanceSpec[], prices: Readonly<Record<string, Price>>, env: BrainEnvironment): string[] {
  const models = new Set(instances.map((spec) => resolvedModel(spec, env)).filter((model): model is string => model !== undefined));
  return [...models].filter((model) => findPrice(model, prices) === undefined);
}
