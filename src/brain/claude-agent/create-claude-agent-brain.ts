import { ensureInstanceWorktree } from '../../workspace/instance-worktree.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HookCallbackMatcher, Options, SDKMessage, SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { BrainError } from '../brain-error.js';
import type { Brain, BrainSetup, ToolBox, TurnContext, TurnOutcome, TurnUsage } from '../brain.js';
import { backoffMs } from '../model/backoff.js';
import { IdleGate } from '../model/idle-gate.js';
import type { BrainEnvironment } from '../model/llm-options.js';
import { redact } from '../model/model-call-error.js';
import { buildSystemPrompt } from '../model/system-prompt.js';
import { buildTurnPrompt } from '../model/turn-prompt.js';
import { type AgentToolPolicy, agentCommands, builtInTools, toolRefusal } from './agent-tool-policy.js';
import { allowedCommands } from '../../workspace/change-settings.js';
import { type ClaudeAgentConfig, resolveClaudeAgentConfig } from './claude-agent-options.js';
import { COLLECTIVE_SERVER, agentToolName, collectiveMcpServer } from './collective-mcp-server.js';
import { type AgentSdkModule, loadAgentSdk } from './load-agent-sdk.js';
import { isReadOnlyTool } from '../../tools/read-only-tools.js';
import { agentStepCollector, forgetSession, keepSession, promptWithNotebook, sessionLost } from './agent-session.js';
import { createContinuity } from '../model/turn-memory.js';
import { readNotebook } from '../notebook.js';

/** Environment variables passed through to the CLI when set (it gets nothing else from the instance's environment). */
const PASSED_THROUGH = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'NODE_EXTRA_CA_CERTS'] as const;

/** Error texts that no retry can fix: the key, the account or the model is wrong. */
const FATAL_ERROR = /\b(401|403|404)\b|authentication_error|permission_error|not_found_error|invalid (x-)?api[- ]key/i;

/** Most characters of the CLI's stderr kept for an error message. */
const STDERR_TAIL = 2000;

/**
 * The CLI's environment: only what it needs. A private HOME and config folder under the run directory (a
 * writable one, or every turn pays for retries), the credential, the API root, no telemetry, no update checks,
 * no traffic besides the model calls, and the shell limits.
 */
export function agentEnvironment(config: ClaudeAgentConfig, home: string, env: BrainEnvironment): Record<string, string> {
  const passed = Object.fromEntries(PASSED_THROUGH.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]]))) as Record<string, string>;
  return {
    ...passed,
    PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    [config.credential.variable]: config.credential.value,
    ...(config.baseUrl === undefined ? {} : { ANTHROPIC_BASE_URL: config.baseUrl }),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_AGENT_SDK_CLIENT_APP: 'tachikoma',
    CLAUDE_CODE_MAX_RETRIES: String(config.maxRetries),
    BASH_DEFAULT_TIMEOUT_MS: String(config.commandTimeoutMs),
    BASH_MAX_TIMEOUT_MS: String(config.commandTimeoutMs),
    BASH_MAX_OUTPUT_LENGTH: String(config.commandOutputChars),
  };
}

/** What the agent is told on top of the instance's system prompt: where its tools are and what it may do. */
function agentNotes(policy: AgentToolPolicy): string {
  const own = builtInTools(policy).join(', ');
  return [
    '',
    `Your collective tools are the ${agentToolName('*')} tools (e.g. ${agentToolName('share_finding')}, ${agentToolName('send_message')}, ${agentToolName('complete_task')}): they are how you act in the collective.`,
    `Your own tools: ${own}, confined to the workspace (cwd).${policy.allowWrites ? '' : ' You may not write files.'}${policy.commands.length > 0 ? ` Shell commands allowed: ${policy.commands.join(', ')} (the run's allowlist: one command at a time, no chaining, nothing outside your folder).` : ' You have no shell.'}`,
  ].join('\n');
}

/** Token use and cost of one query, summed over every model it used (cache reads and writes count as input). */
export function usageOfResult(result: SDKResultMessage): TurnUsage {
  let inputTokens = 0;
  let outputTokens = 0;
  let cacheReadTokens = 0;
  let cacheWriteTokens = 0;
  let reasoningTokens = 0;
  let cost = 0;
  for (const usage of Object.values(result.modelUsage)) {
    inputTokens += usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens;
    cacheReadTokens += usage.cacheReadInputTokens;
    cacheWriteTokens += usage.cacheCreationInputTokens;
    reasoningTokens += usage.thinkingTokens ?? 0;
    outputTokens += usage.outputTokens;
    cost += usage.costUSD;
  }
  if (Object.keys(result.modelUsage).length === 0) {
    cacheReadTokens = result.usage.cache_read_input_tokens ?? 0;
    cacheWriteTokens = result.usage.cache_creation_input_tokens ?? 0;
    inputTokens = result.usage.input_tokens + cacheReadTokens + cacheWriteTokens;
    outputTokens = result.usage.output_tokens;
  }
  return { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, modelCalls: Math.max(1, result.num_turns), costUsd: Math.max(cost, result.total_cost_usd) };
}

/** The agent's own tools that change files or run commands: using one is progress even without a collective tool. */
const AGENT_WRITING_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Bash']);

/** Tool calls of an assistant message that change something: the agent's own (files, shell) and the collective's (messages, tasks). */
function writingToolUses(message: SDKMessage): { own: number; collective: number } {
  if (message.type !== 'assistant') return { own: 0, collective: 0 };
  const names = message.message.content.flatMap((block) => (block.type === 'tool_use' ? [block.name] : []));
  const prefix = agentToolName('');
  return {
    own: names.filter((name) => AGENT_WRITING_TOOLS.has(name)).length,
    collective: names.filter((name) => name.startsWith(prefix) && !isReadOnlyTool(name.slice(prefix.length))).length,
  };
}

function toolUses(message: SDKMessage): number {
  if (message.type !== 'assistant') return 0;
  return message.message.content.filter((block) => block.type === 'tool_use').length;
}

/** What the claude-agent brain reads besides its setup: the environment (default `process.env`). */
export interface ClaudeAgentBrainDependencies {
  env?: BrainEnvironment;
}

/** Refuses, before it runs, any built-in tool call the policy does not allow (no permission prompts). */
function confineHook(policy: AgentToolPolicy): HookCallbackMatcher {
  return {
    hooks: [
      (input) => {
        if (input.hook_event_name !== 'PreToolUse') return Promise.resolve({});
        const refusal = toolRefusal(policy, input.tool_name, input.tool_input, input.cwd);
        if (refusal === null) return Promise.resolve({});
        return Promise.resolve({ hookSpecificOutput: { hookEventName: 'PreToolUse' as const, permissionDecision: 'deny' as const, permissionDecisionReason: refusal } });
      },
    ],
  };
}

interface QuerySetup {
  config: ClaudeAgentConfig;
  workspace: string;
  policy: AgentToolPolicy;
  confine: HookCallbackMatcher;
  childEnv: Record<string, string>;
  abort: AbortController;
  resume: string | undefined;
}

/** The Agent SDK's options for one turn: confined tools, the collective's MCP server, the resumed session. */
function queryOptions(setup: QuerySetup, turn: { systemPrompt: string; collective: string[]; mcpServer: NonNullable<Options['mcpServers']>[string]; onStderr: (data: string) => void }): Options {
  const { config, policy } = setup;
  return {
    cwd: setup.workspace,
    model: config.model,
    systemPrompt: turn.systemPrompt,
    tools: builtInTools(policy),
    allowedTools: [...builtInTools(policy), ...turn.collective],
    permissionMode: 'dontAsk',
    mcpServers: { [COLLECTIVE_SERVER]: turn.mcpServer },
    hooks: { PreToolUse: [setup.confine] },
    settingSources: [],
    persistSession: true,
    ...(setup.resume === undefined ? {} : { resume: setup.resume }),
    maxTurns: config.maxSteps,
    // Off unless asked for: the CLI's own default budget would spend up to 32k thinking tokens on every call.
    thinking: config.thinkingTokens > 0 ? { type: 'enabled', budgetTokens: config.thinkingTokens } : { type: 'disabled' },
    env: setup.childEnv,
    abortController: setup.abort,
    stderr: turn.onStderr,
  };
}

/** What one query came to: its result message, and how many tool calls (and writing ones) it made. */
interface QueryRun {
  result: SDKResultMessage | undefined;
  calls: number;
  writes: number;
  ownWrites: number;
}

/** Runs one query to its end, counting tool calls and recording the steps for the notebook. */
async function runQuery(sdk: AgentSdkModule, prompt: string, options: Options, steps: ReturnType<typeof agentStepCollector>): Promise<QueryRun> {
  const run: QueryRun = { result: undefined, calls: 0, writes: 0, ownWrites: 0 };
  for await (const message of sdk.query({ prompt, options })) {
    run.calls += toolUses(message);
    const wrote = writingToolUses(message);
    run.writes += wrote.own + wrote.collective;
    run.ownWrites += wrote.own;
    steps.add(message);
    if (message.type === 'result') run.result = message;
  }
  return run;
}

/** A turn the agent finished (or cut at its step limit): its summary, whether it is idle, its usage. */
function successOutcome(result: SDKResultMessage, ran: QueryRun, inboxSize: number, maxSteps: number, secret: string | undefined): TurnOutcome {
  const { calls, writes, ownWrites } = ran;
  const text = result.subtype === 'success' ? result.result.trim() : '';
  return {
    summary: text !== '' ? redact(text, secret) : result.subtype === 'error_max_turns' ? `stopped after ${maxSteps} steps (${calls} tool call(s))` : calls > 0 ? `made ${calls} tool call(s)` : 'nothing to do',
    // Only reads and nothing asked: idle, as for the LLM brains.
    idle: writes === 0 && inboxSize === 0,
    // The collective's tools are counted by the instance; files written or commands run only the brain sees.
    progress: ownWrites > 0,
    usage: usageOfResult(result),
  };
}

/**
 * Where the agent works and what it may touch: a private HOME under the run directory, and for a writing agent its
 * own git worktree (under the run directory), like every builder — complete_task commits there and the merge vote
 * decides; without git it writes in place only when allowWrites says so.
 */
async function agentPlace(setup: BrainSetup, config: ClaudeAgentConfig, env: BrainEnvironment): Promise<{ workspace: string; policy: AgentToolPolicy; childEnv: Record<string, string>; catchUp: () => Promise<void> }> {
  const home = join(setup.runDirectory, 'claude-agent', setup.instanceId);
  mkdirSync(join(home, '.claude'), { recursive: true, mode: 0o700 });
  const worktree = config.allowWrites ? await ensureInstanceWorktree(setup.workspace, setup.runDirectory, setup.instanceId) : null;
  const workspace = worktree?.workspace ?? setup.workspace;
  const commands = agentCommands(config.commands, allowedCommands(setup.changes), config.allowWrites);
  const policy: AgentToolPolicy = { workspace, allowWrites: config.allowWrites, commands, hidden: worktree === null ? [home, setup.runDirectory] : [home] };
  // Each turn a worktree with nothing uncommitted moves to the latest integration branch (a task sent back after a
  // conflict is redone on top of what landed), as it does for the other brains' edit tools.
  const catchUp = async (): Promise<void> => {
    if (worktree !== null) await ensureInstanceWorktree(setup.workspace, setup.runDirectory, setup.instanceId);
  };
  return { workspace, policy, childEnv: agentEnvironment(config, home, env), catchUp };
}

/**
 * A brain that makes the instance a Claude Code agent: each turn is one `query()` of the Claude Agent SDK in
 * the workspace (cwd), with the instance's system prompt, the turn rendered as the prompt, its own reading
 * tools (writing and a shell only when allowed) confined to the workspace by a PreToolUse hook, and the
 * collective's tools as an in-process MCP server. No permission prompts: what is not allowed is refused.
 * Usage and cost come from the SDK's result. A failed turn is `unhandled` (the inbox is presented again)
 * with a backoff; a refused key or model throws a BrainError.
 */
export async function createClaudeAgentBrain(setup: BrainSetup, dependencies: ClaudeAgentBrainDependencies = {}): Promise<Brain> {
  const env = dependencies.env ?? process.env;
  const config = resolveClaudeAgentConfig(setup.options, env, setup.role);
  const sdk = await loadAgentSdk();
  const { workspace, policy, childEnv, catchUp } = await agentPlace(setup, config, env);
  const secret = config.credential.value;
  const confine = confineHook(policy);
  const gate = new IdleGate(config.maxIdleMs);
  const continuity = createContinuity();
  let failures = 0;
  let announced = false;

  /** A failed turn; `text` decides whether it is fatal, `detail` (the CLI's stderr) only informs. */
  const failed = (text: string, detail = ''): TurnOutcome => {
    const clean = (value: string): string => redact(value, secret).replace(/\s+/g, ' ').trim();
    const line = `${clean(text)}${detail.trim() === '' ? '' : ` (${clean(detail).slice(-300)})`}`.slice(0, 800);
    if (FATAL_ERROR.test(clean(text))) throw new BrainError('misconfigured', `the claude-agent model refused the call: ${line}; check ANTHROPIC_API_KEY, --model and --base-url`);
    failures += 1;
    const pause = backoffMs(failures);
    return { summary: `model call failed (${failures} in a row; next try in ${Math.round(pause / 1000)} s): ${line}`, idle: false, nextTurnInMs: pause, unhandled: true };
  };

  return {
    name: 'claude-agent',
    model: config.model,
    async turn(context: TurnContext, toolBox: ToolBox, signal: AbortSignal): Promise<TurnOutcome> {
      if (signal.aborted) return { summary: 'stopping: the turn was not started', idle: true, unhandled: true };
      const skipped = gate.skip(context);
      if (skipped !== undefined) return skipped;
      await catchUp();
      const abort = new AbortController();
      const onAbort = (): void => abort.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      let stderr = '';
      const collective = toolBox.specs.map((spec) => agentToolName(spec.name));
      // The agent's own session (its earlier turns, compacted by Claude Code itself) is resumed from the notebook.
      const memory = continuity.begin(context);
      const stored = readNotebook(context.notebook);
      const resume = stored.sessionId;
      const steps = agentStepCollector();
      /** A failure that says the session is gone starts a new session next time. */
      const lost = (outcome: TurnOutcome): TurnOutcome => (resume !== undefined && sessionLost(outcome.summary) ? { ...outcome, notebook: forgetSession(stored) } : outcome);
      const options = queryOptions({ config, workspace, policy, confine, childEnv, abort, resume }, {
        systemPrompt: `${buildSystemPrompt(context, memory.persona)}\n${agentNotes(policy)}`,
        collective,
        mcpServer: collectiveMcpServer(sdk, toolBox),
        onStderr: (data: string) => {
          stderr = `${stderr}${data}`.slice(-STDERR_TAIL);
        },
      });
      let ran: QueryRun;
      try {
        ran = await runQuery(sdk, promptWithNotebook(stored, buildTurnPrompt(context), resume !== undefined), options, steps);
      } catch (error) {
        if (signal.aborted) return { summary: 'stopping: the turn was interrupted', idle: true, unhandled: true };
        const outcome = lost(failed(error instanceof Error ? error.message : String(error), stderr));
        gate.record(context, outcome);
        return outcome;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      if (signal.aborted) return { summary: 'stopping: the turn was interrupted', idle: true, unhandled: true };
      const { result } = ran;
      if (result === undefined) return failed('the agent ended without a result', stderr);
      const usage = usageOfResult(result);
      if (result.subtype === 'success' && result.is_error) {
        const outcome = { ...failed(result.result), usage };
        gate.record(context, outcome);
        return outcome;
      }
      if (result.subtype !== 'success' && result.subtype !== 'error_max_turns') {
        const outcome = lost({ ...failed(`${result.subtype}: ${result.errors.join('; ')}`), usage });
        gate.record(context, outcome);
        return outcome;
      }
      failures = 0;
      const outcome = successOutcome(result, ran, context.inbox.length, config.maxSteps, secret);
      const kept = memory.finish(steps.steps);
      outcome.notebook = keepSession(kept.notebook ?? stored, result.session_id, usage.inputTokens, result.num_turns, config.sessionTokens);
      const metadata = { ...(announced ? {} : { provider: 'claude-agent', model: config.model }), ...kept.metadata };
      if (Object.keys(metadata).length > 0) outcome.metadata = metadata;
      announced = true;
      gate.record(context, outcome);
      return outcome;
    },
  };
}
