import { describeIssues } from '../protocol/index.js';
import { BrainError } from './brain-error.js';
import { resolveClaudeAgentConfig } from './claude-agent/claude-agent-options.js';
import { AGENT_SDK_INSTALL_HINT, isAgentSdkInstalled } from './claude-agent/load-agent-sdk.js';
import {
  type BrainEnvironment,
  DEFAULT_ANTHROPIC_MODEL,
  DEFAULT_MAX_OUTPUT_TOKENS,
  DEFAULT_MAX_PROMPT_TOKENS,
  DEFAULT_MAX_STEPS,
  DEFAULT_OLLAMA_HOST,
  DEFAULT_OPENAI_BASE_URL,
  type LlmBrainConfig,
  type LlmBrainKind,
  isLlmBrainKind,
  llmBrainOptionsSchema,
} from './model/llm-options.js';

/** Keys that look like they hold a secret: a key, a token (but not a count of tokens), a password … */
const SECRET_KEY = /api[-_]?key|token(?!s)|secret|password|authorization|credential/i;

function misconfigured(message: string): BrainError {
  return new BrainError('misconfigured', message);
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Parses a URL, refusing one with a user name or password in it (it would end up in run.json). */
function cleanUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw misconfigured(`${what} ${JSON.stringify(text)} is not a URL; give one like http://127.0.0.1:11434`);
  }
  if (url.username !== '' || url.password !== '') {
    throw misconfigured(`${what} carries credentials; remove them from the URL and set the API key in the environment instead`);
  }
  return url;
}

/** Without a trailing slash; an empty path gets `/v1` (Anthropic and Ollama serve their APIs there). */
function apiRoot(url: URL, addV1WhenBare: boolean): string {
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path === '' && addV1WhenBare ? '/v1' : path}`;
}

/** OLLAMA_HOST as Ollama itself reads it: `host:port` or a full URL. */
function ollamaRoot(env: BrainEnvironment): string {
  const host = present(env.OLLAMA_HOST) ?? DEFAULT_OLLAMA_HOST;
  return apiRoot(cleanUrl(/^[a-z]+:\/\//i.test(host) ? host : `http://${host}`, 'OLLAMA_HOST'), true);
}

/**
 * ANTHROPIC_BASE_URL as the Anthropic SDKs and Claude Code read it: the API root without `/v1` (a gateway may add
 * a path prefix); the AI SDK's Anthropic provider wants the root with `/v1`.
 */
function anthropicRootFromEnvironment(text: string): string {
  const root = apiRoot(cleanUrl(text, 'ANTHROPIC_BASE_URL'), false);
  return root.endsWith('/v1') ? root : `${root}/v1`;
}

function requireModel(kind: LlmBrainKind, model: string | undefined, example: string): string {
  if (model !== undefined) return model;
  throw misconfigured(`the ${kind} brain needs a model: pass --model ${example} (or set brainOptions.model in tachikoma.config.json)`);
}

/**
 * Validates an LLM brain's options against the environment and resolves them: model, API root, key and
 * limits. Throws a BrainError('misconfigured') whose message is one line saying what to set.
 */
export function resolveLlmBrainConfig(kind: LlmBrainKind, options: Record<string, unknown>, env: BrainEnvironment): LlmBrainConfig {
  const secret = Object.keys(options).find((key) => SECRET_KEY.test(key));
  if (secret !== undefined) {
    throw misconfigured(
      `brainOptions.${secret} looks like a secret; brain options are written to run.json, so set the key in the environment (ANTHROPIC_API_KEY or OPENAI_API_KEY) instead`,
    );
  }
  const parsed = llmBrainOptionsSchema.safeParse(options);
  if (!parsed.success) throw misconfigured(`invalid ${kind} brain options: ${describeIssues(parsed.error).join('; ')}`);
  const { model, baseUrl, temperature, maxSteps, maxOutputTokens, maxRetries, maxIdleMs, maxPromptTokens, thinkingTokens, reasoningEffort, promptCaching, notebookTokens } = parsed.data;
  const limits = {
    temperature,
    maxSteps: maxSteps ?? DEFAULT_MAX_STEPS,
    maxOutputTokens: maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    maxRetries,
    maxIdleMs,
    maxPromptTokens: maxPromptTokens ?? DEFAULT_MAX_PROMPT_TOKENS,
    thinkingTokens: thinkingTokens === 0 ? undefined : thinkingTokens,
    reasoningEffort,
    promptCaching: promptCaching ?? true,
    notebookTokens,
  };
  const given = baseUrl === undefined ? undefined : cleanUrl(baseUrl, '--base-url');
  switch (kind) {
    case 'anthropic': {
      const apiKey = present(env.ANTHROPIC_API_KEY);
      if (apiKey === undefined) throw misconfigured('the anthropic brain needs ANTHROPIC_API_KEY in the environment: export ANTHROPIC_API_KEY=… before tachikoma run');
      // --base-url wins over ANTHROPIC_BASE_URL; with neither, the provider's own default.
      const fromEnvironment = present(env.ANTHROPIC_BASE_URL);
      const root = given !== undefined ? apiRoot(given, true) : fromEnvironment === undefined ? undefined : anthropicRootFromEnvironment(fromEnvironment);
      return { kind, model: model ?? DEFAULT_ANTHROPIC_MODEL, baseUrl: root, apiKey, ...limits };
    }
    case 'openai-compatible': {
      // --base-url wins over OPENAI_BASE_URL (as the OpenAI SDKs read it: the root with /v1), then OpenAI itself.
      const fromEnvironment = present(env.OPENAI_BASE_URL);
      const root = apiRoot(given ?? (fromEnvironment === undefined ? new URL(DEFAULT_OPENAI_BASE_URL) : cleanUrl(fromEnvironment, 'OPENAI_BASE_URL')), false);
      const apiKey = present(env.OPENAI_API_KEY);
      if (apiKey === undefined && new URL(root).hostname === 'api.openai.com') {
        throw misconfigured('the openai-compatible brain needs OPENAI_API_KEY in the environment for api.openai.com; for a local server that needs no key, pass --base-url or set OPENAI_BASE_URL');
      }
      return { kind, model: requireModel(kind, model, 'gpt-4o-mini'), baseUrl: root, apiKey, ...limits };
    }
    case 'ollama':
      return { kind, model: requireModel(kind, model, 'llama3.1'), baseUrl: given === undefined ? ollamaRoot(env) : apiRoot(given, true), apiKey: undefined, ...limits };
  }
}

/**
 * Checks, before any instance is spawned, that a brain of `kind` can be built with `options` in `env`, so a
 * misconfiguration is one clear line instead of a crash loop. Brains that need no configuration pass.
 * Throws BrainError('misconfigured').
 */
export function checkBrainConfig(kind: string, options: Record<string, unknown>, env: BrainEnvironment, sdkInstalled: () => boolean = isAgentSdkInstalled): void {
  if (isLlmBrainKind(kind)) resolveLlmBrainConfig(kind, options, env);
  if (kind === 'claude-agent') {
    if (!sdkInstalled()) throw misconfigured(AGENT_SDK_INSTALL_HINT);
    resolveClaudeAgentConfig(options, env, 'explorer');
  }
}
