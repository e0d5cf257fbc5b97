import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type MockLlmRequest,
  type MockLlmServer,
  type MockReply,
  type MockResponder,
  byInstance,
  firstUserText,
  instanceIdOf,
  planResponder,
  startMockLlmServer,
  succeeded,
} from './support/model-server/index.js';
import { CLI, RunningCollective, cli, withStore, waitFor, killCollective } from './support/collective-harness.js';

const SECRET = 'sk-e2e-secret-that-must-never-be-written-0123456789';
const FILES: Record<string, string> = {
  'src/a.ts': 'export function parse(input: string): number {\n  // TODO: validate input\n  return Number(input);\n}\n',
  'src/b.ts': 'export const retries = 3;\n',
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workspaceWithFiles(): { workspace: string; runDirectory: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'tachikoma-llm-'));
  for (const [path, content] of Object.entries(FILES)) {
    mkdirSync(join(workspace, 'src'), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
  writeFileSync(join(workspace, 'tachikoma.config.json'), JSON.stringify({ heartbeatMs: 250, staleMs: 10_000, idleCheckMs: 1500, stopTimeoutMs: 5000 }));
  cleanups.push(() => rmSync(workspace, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  return { workspace, runDirectory: join(workspace, '.tachikoma') };
}

/** Whether the turn prompt lists `taskId` among the open tasks. */
function offersTask(request: MockLlmRequest, taskId: string): boolean {
  const text = firstUserText(request);
  const start = text.indexOf('## Open tasks you could claim');
  if (start < 0) return false;
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end).includes(`\n- ${taskId}:`);
}

/** Claims a task once the board offers it; accepted only when the claim returned the task. */
function claim(taskId: string) {
  return {
    call: (request: MockLlmRequest) => (offersTask(request, taskId) ? { name: 'claim_task', input: { taskId } } : undefined),
    accept: (result: { content: string; isError: boolean; toolCallId: string; name: string }) => succeeded(result) && result.content.includes(`"id":"${taskId}"`),
  };
}

/** Answers each question from the human in the inbox once, before anything else. */
function answerHuman(answered: Set<string>): (request: MockLlmRequest) => MockReply | undefined {
  return (request) => {
    const match = /^- (msg_\S+) #\d+ from human to \S+, question: (.*)$/m.exec(firstUserText(request));
    if (match?.[1] === undefined || answered.has(match[1])) return undefined;
    answered.add(match[1]);
    return { toolCalls: [{ name: 'answer', input: { to: 'human', inReplyTo: match[1], answer: `${instanceIdOf(request) ?? '?'} here: two tasks done, findings shared` } }] };
  };
}

function collectiveScript() {
  const plans = {
    instance_1: planResponder(
      [
        { call: { name: 'coordinator_lease', input: { action: 'acquire', ttlMs: 600_000 } }, accept: (result) => succeeded(result) && result.content.includes('"holder":"instance_1"') },
        { call: { name: 'create_task', input: { id: 'task_audit_a', title: 'Audit src/a.ts', detail: 'Report what needs fixing, with path:line evidence.' } } },
        { call: { name: 'create_task', input: { id: 'task_audit_b', title: 'Audit src/b.ts', detail: 'Report what needs fixing, with path:line evidence.' } } },
        { call: { name: 'read_files', input: { paths: ['src/a.ts'] } } },
        { call: { name: 'share_finding', input: { content: 'src/a.ts:2 leaves input validation as a TODO', evidence: ['src/a.ts:2'], tags: ['todo'] } } },
      ],
      { doneText: 'coordinated: two tasks on the board, one finding shared' },
    ),
    instance_2: planResponder(
      [
        claim('task_audit_a'),
        { call: { name: 'grep', input: { pattern: 'TODO', folder: 'src' } } },
        { call: { name: 'complete_task', input: { taskId: 'task_audit_a', result: 'one TODO: parse() does not validate its input', evidence: ['src/a.ts:2'] } } },
        { call: { name: 'share_finding', input: { content: 'parse() in src/a.ts:1 trusts its input: Number() of anything', evidence: ['src/a.ts:1', 'src/a.ts:3'] } } },
      ],
      { waitingText: 'no task for me yet' },
    ),
    instance_3: planResponder(
      [
        claim('task_audit_b'),
        { call: { name: 'read_files', input: { paths: ['src/b.ts'] } } },
        { call: { name: 'complete_task', input: { taskId: 'task_audit_b', result: 'src/b.ts is one constant; nothing to fix', evidence: ['src/b.ts:1'] } } },
        { call: { name: 'share_finding', input: { content: 'src/b.ts:1 hard-codes retries = 3', evidence: ['src/b.ts:1'] } } },
      ],
      { waitingText: 'no task for me yet' },
    ),
  };
  const answered = new Set<string>();
  const human = answerHuman(answered);
  const withHuman = (plan: MockResponder): MockResponder => (request) => human(request) ?? plan(request);
  const respond = byInstance({ instance_1: withHuman(plans.instance_1), instance_2: withHuman(plans.instance_2), instance_3: withHuman(plans.instance_3) });
  return { plans, respond };
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Runs the CLI with exactly `env` (plus PATH), for configuration checks. */
async function cliWithEnv(args: readonly string[], env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '', ...env } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [status] = (await once(child, 'exit')) as [number | null];
  return { status, stderr };
}

const evidenceList = z.array(z.string());

describe('tachikoma run with an LLM brain against the mock LLM server', () => {
  it('3 openai-compatible instances coordinate, share findings, complete tasks with evidence and answer the human; the key is never written', async () => {
    const { plans, respond } = collectiveScript();
    const mock: MockLlmServer = await startMockLlmServer({ respond });
    cleanups.push(() => mock.close());
    const { workspace, runDirectory } = workspaceWithFiles();
    const previousKey = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = SECRET;
    cleanups.push(() => {
      if (previousKey === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = previousKey;
    });
    const run = new RunningCollective(workspace, runDirectory, [
      '--brain', 'openai-compatible', '--base-url', `${mock.url}/v1`, '--model', 'mock', '--instances', '3', '--no-dashboard',
    ]);
    cleanups.push(() => killCollective(run, runDirectory));

    await waitFor('every instance to finish its plan', () => Object.values(plans).every((plan) => plan.finished), 45_000);
    const asked = await cli(['send', '--json', '--run-dir', runDirectory, '--to', 'instance_3', 'what have you found?']);
    expect(asked.status, asked.stderr).toBe(0);
    const answer = await waitFor('the answer to the human', () =>
      withStore(runDirectory, async (store) => (await store.readMessages({ audience: { human: true }, after: 0 })).find((message) => message.type === 'answer' && message.from === 'instance_3')),
      20_000);
    expect(answer.content).toBe('instance_3 here: two tasks done, findings shared');

    await withStore(runDirectory, async (store) => {
      const messages = await store.readMessages({ audience: { all: true }, after: 0, limit: 10_000 });
      const findings = messages.filter((message) => message.type === 'finding');
      expect(new Set(findings.map((message) => message.from))).toEqual(new Set(['instance_1', 'instance_2', 'instance_3']));
      for (const finding of findings) expect(evidenceList.parse(finding.metadata.evidence).length).toBeGreaterThan(0);
      const tasks = await store.listTasks();
      expect(tasks.map((task) => [task.id, task.state, task.owner, task.evidence])).toEqual([
        ['task_audit_a', 'done', 'instance_2', ['src/a.ts:2']],
        ['task_audit_b', 'done', 'instance_3', ['src/b.ts:1']],
      ]);
      expect(messages.filter((message) => message.type === 'task_complete').map((message) => message.from).sort()).toEqual(['instance_2', 'instance_3']);
      const registry = await store.listInstances();
      expect(registry.map((record) => [record.id, record.metadata.brain, record.metadata.provider, record.metadata.model])).toEqual([
        ['instance_1', 'openai-compatible', 'openai-compatible', 'mock'],
        ['instance_2', 'openai-compatible', 'openai-compatible', 'mock'],
        ['instance_3', 'openai-compatible', 'openai-compatible', 'mock'],
      ]);
    });
    // The instances read each other: the turn instance_3 takes for the human's question shows it instance_1's
    // finding (an instance with nothing to act on takes no turn just to read what others shared).
    const answering = mock.requests.filter((request) => instanceIdOf(request) === 'instance_3' && firstUserText(request).includes('what have you found?'));
    expect(answering.some((request) => /instance_1 → broadcast, finding: src\/a\.ts:2 leaves input validation/.test(firstUserText(request)))).toBe(true);
    expect(new Set(mock.requests.map((request) => request.model))).toEqual(new Set(['mock']));
    expect(mock.requests.every((request) => request.headers.authorization === `Bearer ${SECRET}`)).toBe(true);

    const stopped = await cli(['stop', '--run-dir', runDirectory]);
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(await run.exited).toBe(0);
    const record = z.looseObject({ instances: z.array(z.looseObject({ brainOptions: z.record(z.string(), z.unknown()) })) }).parse(JSON.parse(readFileSync(join(runDirectory, 'run.json'), 'utf8')));
    expect(record.instances.map((instance) => instance.brainOptions)).toEqual(Array.from({ length: 3 }, () => ({ model: 'mock', baseUrl: `${mock.url}/v1` })));
    const leaks = filesUnder(runDirectory).filter((path) => readFileSync(path).includes(SECRET));
    expect(leaks).toEqual([]);
  });

  it('refuses a misconfigured LLM brain with one line before spawning anything', async () => {
    const { workspace, runDirectory } = workspaceWithFiles();
    const base = ['run', '--json', '--workspace', workspace, '--run-dir', runDirectory, '--instances', '2'];
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--brain', 'anthropic'], {}, /^tachikoma: the anthropic brain needs ANTHROPIC_API_KEY in the environment/],
      [['--brain', 'openai-compatible', '--base-url', 'http://127.0.0.1:9/v1'], {}, /^tachikoma: the openai-compatible brain needs a model: pass --model/],
      [['--brain', 'openai-compatible', '--model', 'gpt-4o-mini'], {}, /^tachikoma: the openai-compatible brain needs OPENAI_API_KEY/],
      [['--brain', 'ollama'], {}, /^tachikoma: the ollama brain needs a model/],
      [['--model', 'mock'], {}, /^tachikoma: --model and --base-url configure the model brains/],
    ];
    for (const [args, env, expected] of cases) {
      const result = await cliWithEnv([...base, ...args], env);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(expected);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(join(runDirectory, 'run.json'))).toBe(false);
    }
  });
});
