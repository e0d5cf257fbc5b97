import { z } from 'zod';

/** The brains that talk to a language model through the Vercel AI SDK. */
export const LLM_BRAIN_KINDS = ['anthropic', 'openai-compatible', 'ollama'] as const;
/** One of LLM_BRAIN_KINDS. */
export type LlmBrainKind = (typeof LLM_BRAIN_KINDS)[number];

/** Whether `kind` names one of the AI SDK brains. */
export function isLlmBrainKind(kind: string): kind is LlmBrainKind {
  return (LLM_BRAIN_KINDS as readonly string[]).includes(kind);
}

/** Steps (model calls) one turn may take when `maxSteps` is not set. */
export const DEFAULT_MAX_STEPS = 8;
/** Output tokens one model call may produce when `maxOutputTokens` is not set. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;
/** Estimated prompt tokens one model call may carry when `maxPromptTokens` is not set. */
export const DEFAULT_MAX_PROMPT_TOKENS = 60_000;
/** The Anthropic model used when none is named. */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';
/** Where the openai-compatible brain goes when no --base-url is given. */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** Ollama's own default, used when OLLAMA_HOST is not set. */
export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/**
 * An LLM brain's options (from `brainOptions` in the config, or `--model` / `--base-url`). Keys other brains
 * use are ignored, since one config's `brainOptions` reach every instance whatever its brain. Never a key:
 * these options are written to run.json and passed on the instance's command line.
 */
export const llmBrainOptionsSchema = z.object({
  model: z.string().trim().min(1).max(200).optional(),
  baseUrl: httpUrl.optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxSteps: z.number().int().min(1).max(100).optional(),
  maxOutputTokens: z.number().int().min(1).max(1_000_000).optional(),
  /** Retries of a failed model call (rate limits, 5xx) before the turn gives up; the AI SDK's default is 2. */
  maxRetries: z.number().int().min(0).max(10).optional(),
  /** Longest an idle instance goes without a model call while nothing changes (ms); 0 asks the model at every idle check. */
  maxIdleMs: z.number().int().min(0).max(86_400_000).optional(),
  /** Estimated tokens one call's prompt may carry; older tool results of a long turn are shortened to stay under it. */
  maxPromptTokens: z.number().int().min(2000).max(2_000_000).optional(),
  /** Anthropic: extended thinking with this budget of tokens per call (counted as output); absent or 0 = off. */
  thinkingTokens: z.number().int().min(0).max(200_000).optional(),
  /** OpenAI-compatible servers that reason: how hard (sent as reasoning_effort); absent = the server's default. */
  reasoningEffort: z.enum(['minimal', 'low', 'medium', 'high']).optional(),
  /** Anthropic: mark the stable prompt prefix and the conversation for prompt caching (default true). */
  promptCaching: z.boolean().optional(),
  /** Budget of the instance's notebook (its own earlier turns in the prompt), in estimated tokens; 0 keeps none. */
  notebookTokens: z.number().int().min(0).max(1_000_000).optional(),
});
/** Parsed LLM brain options. */
export type LlmBrainOptions = z.infer<typeof llmBrainOptionsSchema>;

/** Everything needed to call the model of one instance. `apiKey` comes from the environment and must never be logged. */
export interface LlmBrainConfig {
  kind: LlmBrainKind;
  model: string;
  /** The provider's API root; absent → the provider's own default. */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  temperature: number | undefined;
  maxSteps: number;
  maxOutputTokens: number;
  maxRetries: number | undefined;
  maxIdleMs: number | undefined;
  maxPromptTokens: number;
  thinkingTokens: number | undefined;
  reasoningEffort: 'minimal' | 'low' | 'medium' | 'high' | undefined;
  promptCaching: boolean;
  notebookTokens: number | undefined;
}

/** The environment variables the LLM brains read (a subset of `process.env`). */
export type BrainEnvironment = Readonly<Record<string, string | undefined>>;
