export { MAX_TOOL_RESULT_CHARS, renderToolResult, toAiTools, toolParameters } from './ai-tools.js';
export { checkBrainConfig, resolveLlmBrainConfig } from '../check-brain-config.js';
export { createLanguageModel } from './create-language-model.js';
export { type LlmBrainSetup, createLlmBrain, createProviderBrain } from './create-llm-brain.js';
export * from '../model/llm-options.js';
export { ROLE_DUTIES, buildSystemPrompt } from '../model/system-prompt.js';
export { TURN_PROMPT_LIMITS, buildTurnPrompt, clip } from '../model/turn-prompt.js';
