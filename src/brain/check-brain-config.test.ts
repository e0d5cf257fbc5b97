import { describe, expect, it } from 'vitest';
import { BrainError } from './brain-error.js';
import { AGENT_SDK_VERSION, resolveClaudeAgentConfig } from './claude-agent/claude-agent-options.js';
import { checkBrainConfig, resolveLlmBrainConfig } from './check-brain-config.js';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (BrainError.isInstance(error) && error.code === 'misconfigured') return error.message;
    throw error;
  }
  throw new Error('expected a misconfigured BrainError');
}

describe('LLM brain configuration', () => {
  it('needs ANTHROPIC_API_KEY for anthropic, defaults its model, and gives a bare base URL its /v1', () => {
    expect(refusal(() => checkBrainConfig('anthropic', {}, {}))).toBe('the anthropic brain needs ANTHROPIC_API_KEY in the environment: export ANTHROPIC_API_KEY=… before tachikoma run');
    expect(refusal(() => checkBrainConfig('anthropic', {}, { ANTHROPIC_API_KEY: '  ' }))).toMatch(/ANTHROPIC_API_KEY/);
    expect(resolveLlmBrainConfig('anthropic', {}, { ANTHROPIC_API_KEY: 'k' })).toMatchObject({ model: 'claude-sonnet-4-5', baseUrl: undefined, apiKey: 'k', maxSteps: 8, maxOutputTokens: 4096 });
    expect(resolveLlmBrainConfig('anthropic', { baseUrl: 'http://127.0.0.1:9' }, { ANTHROPIC_API_KEY: 'k' }).baseUrl).toBe('http://127.0.0.1:9/v1');
    expect(resolveLlmBrainConfig('anthropic', { baseUrl: 'http://127.0.0.1:9/v1/' }, { ANTHROPIC_API_KEY: 'k' }).baseUrl).toBe('http://127.0.0.1:9/v1');
  });

  it('needs a model for openai-compatible, and a key only for api.openai.com', () => {
    expect(refusal(() => checkBrainConfig('openai-compatible', {}, { OPENAI_API_KEY: 'k' }))).toBe(
      'the openai-compatible brain needs a model: pass --model gpt-4o-mini (or set brainOptions.model in tachikoma.config.json)',
    );
    expect(refusal(() => checkBrainConfig('openai-compatible', { model: 'gpt-4o-mini' }, {}))).toMatch(/needs OPENAI_API_KEY .* pass --base-url/);
    expect(resolveLlmBrainConfig('openai-compatible', { model: 'm' }, { OPENAI_API_KEY: 'k' })).toMatchObject({ baseUrl: 'https://api.openai.com/v1', apiKey: 'k' });
    expect(resolveLlmBrainConfig('openai-compatible', { model: 'm', baseUrl: 'http://127.0.0.1:8000/v1' }, {})).toMatchObject({ baseUrl: 'http://127.0.0.1:8000/v1', apiKey: undefined });
    expect(resolveLlmBrainConfig('openai-compatible', { model: 'm', baseUrl: 'http://localhost:1234', temperature: 0, maxSteps: 3 }, {})).toMatchObject({
      baseUrl: 'http://localhost:1234', temperature: 0, maxSteps: 3,
    });
  });

  it('reads OLLAMA_HOST the way Ollama does and needs a model', () => {
    expect(refusal(() => checkBrainConfig('ollama', {}, {}))).toMatch(/^the ollama brain needs a model: pass --model llama3\.1/);
    expect(resolveLlmBrainConfig('ollama', { model: 'qwen' }, {})).toMatchObject({ baseUrl: 'http://127.0.0.1:11434/v1', apiKey: undefined });
    expect(resolveLlmBrainConfig('ollama', { model: 'qwen' }, { OLLAMA_HOST: '10.0.0.5:11434' }).baseUrl).toBe('http://10.0.0.5:11434/v1');
    expect(resolveLlmBrainConfig('ollama', { model: 'qwen' }, { OLLAMA_HOST: 'https://gpu.example/' }).baseUrl).toBe('https://gpu.example/v1');
    expect(resolveLlmBrainConfig('ollama', { model: 'qwen', baseUrl: 'http://box:11434/v1' }, { OLLAMA_HOST: 'elsewhere' }).baseUrl).toBe('http://box:11434/v1');
  });

  it('refuses secrets in brainOptions, credentials in URLs and out-of-range options, in one line each', () => {
    expect(refusal(() => checkBrainConfig('anthropic', { apiKey: 'sk-x' }, { ANTHROPIC_API_KEY: 'k' }))).toMatch(/^brainOptions\.apiKey looks like a secret; .*run\.json/);
    expect(refusal(() => checkBrainConfig('anthropic', { authToken: 'x' }, { ANTHROPIC_API_KEY: 'k' }))).toMatch(/^brainOptions\.authToken looks like a secret/);
    // Counts of tokens are options, not secrets.
    expect(resolveLlmBrainConfig('anthropic', { maxOutputTokens: 2000, maxPromptTokens: 30_000, thinkingTokens: 4000 }, { ANTHROPIC_API_KEY: 'k' })).toMatchObject({ maxOutputTokens: 2000, maxPromptTokens: 30_000, thinkingTokens: 4000 });
    expect(refusal(() => checkBrainConfig('openai-compatible', { model: 'm', baseUrl: 'http://user:pw@host/v1' }, {}))).toMatch(/--base-url carries credentials/);
    expect(refusal(() => checkBrainConfig('openai-compatible', { model: 'm', baseUrl: 'ftp://host' }, {}))).toMatch(/^invalid openai-compatible brain options: baseUrl: /);
    expect(refusal(() => checkBrainConfig('openai-compatible', { model: 'm', baseUrl: 'http://h', temperature: 5 }, {}))).toMatch(/temperature/);
    for (const message of [
      refusal(() => checkBrainConfig('anthropic', {}, {})),
      refusal(() => checkBrainConfig('ollama', { model: 'm', maxSteps: 0 }, {})),
    ]) expect(message).not.toContain('\n');
  });

  it('claude-agent: names the optional package to install when it is missing, needs a key, and takes a base URL with or without /v1', () => {
    const missing = () => false;
    expect(refusal(() => checkBrainConfig('claude-agent', {}, { ANTHROPIC_API_KEY: 'k' }, missing))).toBe(
      `the claude-agent brain needs the optional package @anthropic-ai/claude-agent-sdk (about 450 MB with its CLI): run npm install @anthropic-ai/claude-agent-sdk@${AGENT_SDK_VERSION} next to tachikoma, or choose another brain`,
    );
    const present = () => true;
    expect(refusal(() => checkBrainConfig('claude-agent', {}, {}, present))).toMatch(/^the claude-agent brain needs ANTHROPIC_API_KEY \(or CLAUDE_CODE_OAUTH_TOKEN\)/);
    expect(refusal(() => checkBrainConfig('claude-agent', { commands: 'npm test' }, { ANTHROPIC_API_KEY: 'k' }, present))).toMatch(/^invalid claude-agent brain options: commands/);
    expect(() => checkBrainConfig('claude-agent', { model: 'claude-haiku-4-5', baseUrl: 'http://127.0.0.1:9/v1' }, { CLAUDE_CODE_OAUTH_TOKEN: 't' }, present)).not.toThrow();
    expect(resolveClaudeAgentConfig({ baseUrl: 'http://127.0.0.1:9/v1/' }, { ANTHROPIC_API_KEY: 'k' }, 'explorer')).toMatchObject({
      baseUrl: 'http://127.0.0.1:9', model: 'claude-sonnet-4-5', allowWrites: false, commands: null, credential: { variable: 'ANTHROPIC_API_KEY', value: 'k' },
    // commands: null — the instance does not narrow the run's allowlist (see agent-tool-policy).
    });
    expect(resolveClaudeAgentConfig({}, { ANTHROPIC_API_KEY: 'k' }, 'builder').allowWrites).toBe(true);
    expect(resolveClaudeAgentConfig({ allowWrites: false }, { ANTHROPIC_API_KEY: 'k' }, 'builder').allowWrites).toBe(false);
  });

  it('reads ANTHROPIC_BASE_URL and OPENAI_BASE_URL as the SDKs do; --base-url wins over them', () => {
    const anthropic = (options: Record<string, unknown>, url: string) => resolveLlmBrainConfig('anthropic', options, { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: url }).baseUrl;
    expect(anthropic({}, 'http://127.0.0.1:9')).toBe('http://127.0.0.1:9/v1');
    expect(anthropic({}, 'https://gateway.example/anthropic/')).toBe('https://gateway.example/anthropic/v1');
    expect(anthropic({}, 'http://127.0.0.1:9/v1')).toBe('http://127.0.0.1:9/v1');
    expect(anthropic({ baseUrl: 'http://flag:1' }, 'http://127.0.0.1:9')).toBe('http://flag:1/v1');
    expect(refusal(() => anthropic({}, 'http://user:pw@gateway'))).toBe('ANTHROPIC_BASE_URL carries credentials; remove them from the URL and set the API key in the environment instead');
    expect(refusal(() => anthropic({}, 'gateway'))).toMatch(/^ANTHROPIC_BASE_URL "gateway" is not a URL/);

    expect(resolveLlmBrainConfig('openai-compatible', { model: 'm' }, { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1/' })).toMatchObject({ baseUrl: 'http://127.0.0.1:8000/v1', apiKey: undefined });
    expect(resolveLlmBrainConfig('openai-compatible', { model: 'm', baseUrl: 'http://flag:1/v1' }, { OPENAI_BASE_URL: 'http://env:2/v1' }).baseUrl).toBe('http://flag:1/v1');
    expect(refusal(() => checkBrainConfig('openai-compatible', { model: 'm' }, { OPENAI_BASE_URL: 'https://api.openai.com/v1' }))).toMatch(/needs OPENAI_API_KEY/);

    const agent = (options: Record<string, unknown>, url: string) => resolveClaudeAgentConfig(options, { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: url }, 'explorer').baseUrl;
    expect(agent({}, 'http://127.0.0.1:9/')).toBe('http://127.0.0.1:9');
    expect(agent({ baseUrl: 'http://flag:1/v1' }, 'http://127.0.0.1:9')).toBe('http://flag:1');
    expect(refusal(() => agent({}, 'not a url'))).toMatch(/^ANTHROPIC_BASE_URL "not a url" is not a URL/);
  });

  it('passes brains that need no configuration, and ignores options meant for other brains', () => {
    expect(() => checkBrainConfig('heuristic', { filesPerTask: 3 }, {})).not.toThrow();
    expect(() => checkBrainConfig('scripted', {}, {})).not.toThrow();
    expect(() => checkBrainConfig('openai-compatible', { model: 'm', baseUrl: 'http://h/v1', filesPerTask: 3 }, {})).not.toThrow();
  });
});
