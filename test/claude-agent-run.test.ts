import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isAgentSdkInstalled } from '../src/brain/claude-agent/load-agent-sdk.js';
import { type MockLlmRequest, type MockLlmServer, byInstance, firstUserText, instanceIdOf, planResponder, startMockLlmServer, succeeded } from './support/model-server/index.js';
import { CLI, RunningCollective, cli, withStore, waitFor, killCollective } from './support/collective-harness.js';

const installed = isAgentSdkInstalled();
if (!installed) {
  process.stderr.write('\n!!! @anthropic-ai/claude-agent-sdk is not installed: the claude-agent end-to-end run is SKIPPED (npm ci installs it as a dev dependency)\n\n');
}

const SECRET = 'sk-ant-e2e-secret-that-must-never-be-written-0123456789';
const tool = (name: string): string => `mcp__tachikoma__${name}`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Whether the turn prompt lists `taskId` among the open tasks. */
function offersTask(request: MockLlmRequest, taskId: string): boolean {
  const text = firstUserText(request);
  const start = text.indexOf('## Open tasks you could claim');
  if (start < 0) return false;
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end).includes(`\n- ${taskId}:`);
}

describe.skipIf(!installed)('tachikoma run --brain claude-agent against the mock Messages API', () => {
  it('two Claude Code instances coordinate through the collective tools: a task is created, claimed and completed with evidence, findings are exchanged', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'tachikoma-claude-agent-'));
    cleanups.push(() => rmSync(workspace, { recursive: true, force: true }));
    mkdirSync(join(workspace, 'src'));
    writeFileSync(join(workspace, 'src', 'a.ts'), 'export function parse(input: string): number {\n  // TODO: validate input\n  return Number(input);\n}\n');
    writeFileSync(join(workspace, 'tachikoma.config.json'), JSON.stringify({ heartbeatMs: 250, staleMs: 20_000, idleCheckMs: 1500, stopTimeoutMs: 8000, brainOptions: { maxRetries: 0 } }));
    const runDirectory = join(workspace, '.tachikoma');
    const plans = {
      instance_1: planResponder(
        [
          { call: { name: tool('coordinator_lease'), input: { action: 'acquire', ttlMs: 600_000 } }, accept: (result) => succeeded(result) && result.content.includes('"holder":"instance_1"') },
          { call: { name: tool('create_task'), input: { id: 'task_audit_a', title: 'Audit src/a.ts', detail: 'Report what needs fixing, with path:line evidence.' } } },
          { call: { name: tool('share_finding'), input: { content: 'src/a.ts:2 leaves input validation as a TODO', evidence: ['src/a.ts:2'], tags: ['todo'] } } },
        ],
        { doneText: 'coordinated: a task on the board, one finding shared' },
      ),
      instance_2: planResponder(
        [
          {
            call: (request: MockLlmRequest) => (offersTask(request, 'task_audit_a') ? { name: tool('claim_task'), input: { taskId: 'task_audit_a' } } : undefined),
            accept: (result) => succeeded(result) && result.content.includes('"id":"task_audit_a"'),
          },
          // Claude Code's own Read tool, confined to the workspace (its cwd).
          { call: { name: 'Read', input: { file_path: join(workspace, 'src', 'a.ts') } }, accept: (result) => !result.isError && result.content.includes('TODO: validate input') },
          { call: { name: tool('complete_task'), input: { taskId: 'task_audit_a', result: 'parse() does not validate its input', evidence: ['src/a.ts:2'] } } },
          { call: { name: tool('share_finding'), input: { content: 'parse() in src/a.ts:1 trusts its input: Number() of anything', evidence: ['src/a.ts:1', 'src/a.ts:3'] } } },
        ],
        { waitingText: 'no task for me yet' },
      ),
    };
    const mock: MockLlmServer = await startMockLlmServer({ respond: byInstance(plans) });
    cleanups.push(() => mock.close());


    const previousKey = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = SECRET;
    cleanups.push(() => {
      if (previousKey === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = previousKey;
    });
    const run = new RunningCollective(workspace, runDirectory, ['--brain', 'claude-agent', '--base-url', mock.url, '--model', 'mock-claude', '--instances', '2', '--no-dashboard', '--max-cost', '1000']);
    cleanups.push(() => killCollective(run, runDirectory));

    await waitFor('both instances to finish their plans', () => Object.values(plans).every((plan) => plan.finished), 90_000);
    // The last answer reaches an instance before its turn's checkpoint records what the turn announced.
    await waitFor('both instances to record their turns', () =>
      withStore(runDirectory, async (store) => (await store.listInstances()).every((record) => record.metadata.model !== undefined && record.status === 'idle')), 30_000);
    await withStore(runDirectory, async (store) => {
      const messages = await store.readMessages({ audience: { all: true }, after: 0, limit: 10_000 });
      const findings = messages.filter((message) => message.type === 'finding');
      expect(findings.map((message) => message.from).sort()).toEqual(['instance_1', 'instance_2']);
      expect((await store.listTasks()).map((task) => [task.id, task.state, task.owner, task.evidence])).toEqual([['task_audit_a', 'done', 'instance_2', ['src/a.ts:2']]]);
      const registry = await store.listInstances();
      expect(registry.map((record) => [record.id, record.metadata.brain, record.metadata.provider, record.metadata.model])).toEqual([
        ['instance_1', 'claude-agent', 'claude-agent', 'mock-claude'],
        ['instance_2', 'claude-agent', 'claude-agent', 'mock-claude'],
      ]);
      // Usage and cost reported by the SDK reach the governor's count in the registry (a budget turns the governor on).
      for (const record of registry) {
        const usage = z.object({ turns: z.number(), inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }).parse(record.metadata.usage);
        expect(usage.turns).toBeGreaterThan(0);
        expect(usage.inputTokens).toBeGreaterThan(0);
        expect(usage.costUsd).toBeGreaterThan(0);
      }
    });
    // The instances read each other: the turn instance_2 takes for a question shows it instance_1's finding (an
    // instance with nothing to act on takes no turn just to read what others shared).
    const asked = await cli(['send', '--run-dir', runDirectory, '--to', 'instance_2', 'QUESTION_MARKER what have you seen?']);
    expect(asked.status, asked.stderr).toBe(0);
    await waitFor('instance_2 to see the finding of instance_1', () =>
      mock.requests.some((request) => instanceIdOf(request) === 'instance_2' && firstUserText(request).includes('QUESTION_MARKER') && /instance_1 → broadcast, finding: src\/a\.ts:2 leaves/.test(firstUserText(request))) || undefined,
      30_000);
    expect(mock.requests.every((request) => request.headers['x-api-key'] === SECRET)).toBe(true);
    expect(new Set(mock.requests.map((request) => request.path))).toEqual(new Set(['/v1/messages?beta=true']));

    const stopped = await cli(['stop', '--run-dir', runDirectory]);
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(await run.exited).toBe(0);
    const leaks = filesUnder(runDirectory).filter((path) => readFileSync(path).includes(SECRET) || readFileSync(path).includes(SECRET.slice(-20)));
    expect(leaks).toEqual([]);
  });
});

describe('tachikoma run --brain claude-agent, misconfigured', () => {
  it('is one line before anything is spawned: the install command when the SDK is missing, else the key to set', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'tachikoma-claude-agent-'));
    cleanups.push(() => rmSync(workspace, { recursive: true, force: true }));
    const runDirectory = join(workspace, '.tachikoma');
    const child = spawn(process.execPath, [CLI, 'run', '--json', '--workspace', workspace, '--run-dir', runDirectory, '--brain', 'claude-agent'], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [status] = (await once(child, 'exit')) as [number | null];
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(installed
      ? /^tachikoma: the claude-agent brain needs ANTHROPIC_API_KEY \(or CLAUDE_CODE_OAUTH_TOKEN\) in the environment/
      : /^tachikoma: the claude-agent brain needs the optional package @anthropic-ai\/claude-agent-sdk .*npm install @anthropic-ai\/claude-agent-sdk@/);
    expect(existsSync(join(runDirectory, 'run.json'))).toBe(false);
  });
});
