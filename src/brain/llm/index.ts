export { MAX_TOOL_RESULT_CHARS, renderToolResult, toAiTools, toolParameters } from './ai-tools.js';
export { checkBrainConfig, resolveLlmBrainConfig } from './check-brain-config.js';
export { createLanguageModel } from './create-language-model.js';
export { type LlmBrainSetup, createLlmBrain, createProviderBrain } from './create-llm-brain.js';
export * from './llm-options.js';
export { ROLE_DUTIES, buildSystemPrompt } from './system-prompt.js';
export { TURN_PROMPT_LIMITS, buildTurnPrompt, clip } from './turn-prompt.js';
