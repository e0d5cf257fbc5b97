import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import { DEFAULT_OPENAI_BASE_URL, type LlmBrainConfig } from '../model/llm-options.js';

/**
 * Builds the AI SDK language model a config names: Anthropic Messages through @ai-sdk/anthropic, or an
 * OpenAI-style chat-completions server (OpenAI, vLLM, LM Studio, Ollama's /v1 …) through
 * @ai-sdk/openai-compatible. The key is handed to the provider and goes nowhere else.
 */
export function createLanguageModel(config: LlmBrainConfig): LanguageModel {
  switch (config.kind) {
    case 'anthropic':
      return createAnthropic({
        ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
        ...(config.baseUrl === undefined ? {} : { baseURL: config.baseUrl }),
      })(config.model);
    case 'openai-compatible':
    case 'ollama':
      return createOpenAICompatible({
        name: config.kind,
        baseURL: config.baseUrl ?? DEFAULT_OPENAI_BASE_URL,
        ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
        includeUsage: true,
      }).chatModel(config.model);
  }
}
