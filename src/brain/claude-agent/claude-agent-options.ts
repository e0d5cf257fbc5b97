import { z } from 'zod';
import { type Role, describeIssues } from '../../protocol/index.js';
import { BrainError } from '../brain-error.js';
import { type BrainEnvironment, DEFAULT_ANTHROPIC_MODEL } from '../model/llm-options.js';

/** Context of one model call, in tokens, past which the next turn starts a new session when `sessionTokens` is not set. */
export const DEFAULT_SESSION_TOKENS = 80_000;

/** The package the claude-agent brain runs on, and the version this build is tested with. */
export const AGENT_SDK_PACKAGE = '@anthropic-ai/claude-agent-sdk';
export const AGENT_SDK_VERSION = '0.3.331';

/** Model round trips one turn of the agent may take when `maxSteps` is not set. */
export const DEFAULT_AGENT_MAX_STEPS = 12;
/** Longest a shell command may run when `commandTimeoutMs` is not set. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
/** Most characters of a command's output the agent sees when `commandOutputChars` is not set. */
export const DEFAULT_COMMAND_OUTPUT_CHARS = 30_000;

/** Keys that look like they hold a secret: a key, a token (but not a count of tokens), a password … */
const SECRET_KEY = /api[-_]?key|token(?!s)|secret|password|authorization|credential/i;

/**
 * The claude-agent brain's options (`brainOptions` in the config, or `--model` / `--base-url`). Keys meant
 * for other brains are ignored. Never a key: options are written to run.json.
 */
export const claudeAgentOptionsSchema = z.object({
  model: z.string().trim().min(1).max(200).optional(),
  /** An Anthropic Messages API root (a proxy or a local server); `/v1` at the end is dropped, the CLI adds it. */
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  maxSteps: z.number().int().min(1).max(100).optional(),
  /** Retries of a failed model call (rate limits, 5xx) within a turn; default 2. */
  maxRetries: z.number().int().min(0).max(10).optional(),
  /** Longest an idle instance goes without a model call while nothing changes (ms); 0 asks at every idle check. */
  maxIdleMs: z.number().int().min(0).max(86_400_000).optional(),
  /** Whether the agent may write and edit workspace files; default: only the builder role. */
  allowWrites: z.boolean().optional(),
  /**
   * Narrows the run's command allowlist (the config's "changes.commands") for this instance: only entries the run
   * allows count. Absent: a writing agent gets the run's allowlist, a reading one no shell; empty: no shell.
   */
  commands: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
  commandTimeoutMs: z.number().int().min(1000).max(600_000).optional(),
  commandOutputChars: z.number().int().min(1000).max(200_000).optional(),
  /** Extended thinking: a budget of tokens per model call (counted as output); absent or 0 = off (the default here). */
  thinkingTokens: z.number().int().min(0).max(200_000).optional(),
  /** Input tokens of one model call past which the next turn starts a new session (with the notebook); 0: a new session every turn. */
  sessionTokens: z.number().int().min(0).max(10_000_000).optional(),
});

/** Everything one claude-agent instance needs. `secret` comes from the environment and must never be logged. */
export interface ClaudeAgentConfig {
  model: string;
  /** The API root the CLI is pointed at (no `/v1`), or undefined for Anthropic's own. */
  baseUrl: string | undefined;
  /** Which variable carries the credential, and its value. */
  credential: { variable: 'ANTHROPIC_API_KEY' | 'CLAUDE_CODE_OAUTH_TOKEN'; value: string };
  maxSteps: number;
  maxRetries: number;
  maxIdleMs: number | undefined;
  allowWrites: boolean;
  /** The instance's own narrowing of the run's allowlist, or null (see claudeAgentOptionsSchema). */
  commands: string[] | null;
  commandTimeoutMs: number;
  commandOutputChars: number;
  /** Thinking tokens per model call; 0 turns extended thinking off. */
  thinkingTokens: number;
  sessionTokens: number;
}

function misconfigured(message: string): BrainError {
  return new BrainError('misconfigured', message);
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The CLI appends `/v1/messages` itself: a base URL is the origin plus any path prefix, without `/v1`. */
function cliBaseUrl(text: string, what: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw misconfigured(`${what} ${JSON.stringify(text)} is not a URL; give one like https://api.anthropic.com`);
  }
  if (url.username !== '' || url.password !== '') {
    throw misconfigured(`${what} carries credentials; remove them from the URL and set the API key in the environment instead`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}`;
}

function environmentBaseUrl(env: BrainEnvironment): string | undefined {
  const text = present(env.ANTHROPIC_BASE_URL);
  return text === undefined ? undefined : cliBaseUrl(text, 'ANTHROPIC_BASE_URL');
}

/**
 * Validates the claude-agent brain's options against the environment. Throws BrainError('misconfigured')
 * whose message is one line saying what to set.
 */
export function resolveClaudeAgentConfig(options: Record<string, unknown>, env: BrainEnvironment, role: Role): ClaudeAgentConfig {
  const secret = Object.keys(options).find((key) => SECRET_KEY.test(key));
  if (secret !== undefined) {
    throw misconfigured(`brainOptions.${secret} looks like a secret; brain options are written to run.json, so set ANTHROPIC_API_KEY in the environment instead`);
  }
  const parsed = claudeAgentOptionsSchema.safeParse(options);
  if (!parsed.success) throw misconfigured(`invalid claude-agent brain options: ${describeIssues(parsed.error).join('; ')}`);
  const apiKey = present(env.ANTHROPIC_API_KEY);
  const oauth = present(env.CLAUDE_CODE_OAUTH_TOKEN);
  const credential = apiKey !== undefined
    ? { variable: 'ANTHROPIC_API_KEY' as const, value: apiKey }
    : oauth !== undefined ? { variable: 'CLAUDE_CODE_OAUTH_TOKEN' as const, value: oauth } : undefined;
  if (credential === undefined) {
    throw misconfigured('the claude-agent brain needs ANTHROPIC_API_KEY (or CLAUDE_CODE_OAUTH_TOKEN) in the environment: export ANTHROPIC_API_KEY=… before tachikoma run');
  }
  const data = parsed.data;
  return {
    model: data.model ?? DEFAULT_ANTHROPIC_MODEL,
    // --base-url wins over ANTHROPIC_BASE_URL, which the CLI would not see otherwise (it gets a clean environment).
    baseUrl: data.baseUrl !== undefined ? cliBaseUrl(data.baseUrl, '--base-url') : environmentBaseUrl(env),
    credential,
    maxSteps: data.maxSteps ?? DEFAULT_AGENT_MAX_STEPS,
    maxRetries: data.maxRetries ?? 2,
    maxIdleMs: data.maxIdleMs,
    allowWrites: data.allowWrites ?? role === 'builder',
    commands: data.commands ?? null,
    commandTimeoutMs: data.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    commandOutputChars: data.commandOutputChars ?? DEFAULT_COMMAND_OUTPUT_CHARS,
    thinkingTokens: data.thinkingTokens ?? 0,
    sessionTokens: data.sessionTokens ?? DEFAULT_SESSION_TOKENS,
  };
}
