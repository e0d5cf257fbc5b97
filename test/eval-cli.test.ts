import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalResult } from '../src/eval/eval-result.js';
import { cli } from './support/collective-harness.js';
import { type MockLlmRequest, type MockReply, startMockLlmServer } from './support/model-server/index.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'tachikoma.js');
let folder = '';

/** Each instance shares the same three findings and reads one file, then ends: a right one for ms-format, one for escape-html, one in a file no package has. */
const SCRIPT = {
  version: 1,
  turns: [
    {
      calls: [
        { tool: 'read_files', input: { paths: ['index.js'] } },
        { tool: 'share_finding', input: { content: 'an hour formats as minutes ({{self}})', evidence: ['index.js:118'] } },
        { tool: 'share_finding', input: { content: 'single quote left unescaped ({{self}})', evidence: ['./index.js:54-55'] } },
        { tool: 'share_finding', input: { content: 'made up ({{self}})', evidence: ['nowhere.js:1'] } },
      ],
      done: true,
    },
  ],
};

async function run(args: readonly string[], limitMs: number, env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const [status] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { status, stdout, stderr };
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'tachikoma-eval-'));
  writeFileSync(join(folder, 'script.json'), JSON.stringify(SCRIPT));
});

afterAll(() => rmSync(folder, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

describe('tachikoma eval', () => {
  it('--help names every flag', async () => {
    const result = await cli(['eval', '--help']);
    expect(result.status).toBe(0);
    for (const flag of ['--set', '--conditions', '--instances', '--brain', '--model', '--base-url', '--max-tokens', '--problems', '--json', '--out', '--timeout']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('refuses an unknown condition or problem in one line', async () => {
    const condition = await cli(['eval', '--conditions', 'single,crowd']);
    expect(condition.status).toBe(1);
    expect(condition.stderr.trim()).toBe('tachikoma: --conditions takes a list of single, vote, collective, debate; got "single,crowd"');
    const model = await cli(['eval', '--model', 'x']);
    expect(model.status).toBe(1);
    expect(model.stderr).toMatch(/^tachikoma: --model and --base-url configure the model brains/);
    const problem = await cli(['eval', '--problems', 'nope', '--brain', 'scripted']);
    expect(problem.status).toBe(1);
    expect(problem.stderr).toMatch(/^tachikoma: unknown problem nope; the set has bytes-units, /);
  });

  it('runs the builtin set under single, vote and collective with the scripted brain and scores each condition', async () => {
    const out = join(folder, 'out');
    const result = await run(
      ['eval', '--set', 'builtin', '--conditions', 'single,vote,collective', '--brain', 'scripted', '--brain-options', JSON.stringify({ script: join(folder, 'script.json') }), '--json', '--out', out, '--timeout', '60'],
      110_000,
    );
    expect(result.status, result.stderr).toBe(0);
    const evaluation = JSON.parse(result.stdout) as EvalResult;
    expect(evaluation.problems.map((problem) => problem.name)).toEqual(['bytes-units', 'escape-html-quote', 'fresh-etag', 'ms-format', 'ms-parse', 'vary-case']);
    expect(result.stderr).toContain('[6/6] vary-case');
    for (const condition of ['single', 'vote', 'collective'] as const) {
      // Two of twelve seeded defects are named, on two problems; of each problem's three distinct findings one is right at most.
      expect(evaluation.totals[condition]).toMatchObject({ found: 2, seeded: 12, recall: 0.1667, precision: 0.1111, fixesPassed: 0, fixProblems: 2, endedByItself: 6, problems: 6, claimsLost: 0, errors: 0 });
      const ms = evaluation.problems.find((problem) => problem.name === 'ms-format')?.conditions[condition];
      expect(ms).toMatchObject({ found: 1, seeded: 2, findings: 3, hiddenTestsPassed: false, endedByItself: true });
      expect(ms?.defects[0]?.foundBy).toHaveLength(condition === 'single' || condition === 'vote' ? 1 : 3);
      const escape = evaluation.problems.find((problem) => problem.name === 'escape-html-quote')?.conditions[condition];
      expect(escape).toMatchObject({ found: 1, hiddenTestsPassed: null });
      // Each member's script reads index.js; in the collective, a read after a peer's is refused (the division of
      // labour), so only reads that ran at the same moment as the first count twice.
      const reads = escape?.readsPerFile['index.js'] ?? 0;
      if (condition === 'collective') expect(reads).toBeGreaterThanOrEqual(1);
      if (condition === 'collective') expect(reads).toBeLessThanOrEqual(3);
      else expect(escape?.readsPerFile).toEqual({ 'index.js': condition === 'single' ? 1 : 3 });
    }
    // Three voters or three members each shared the same three places: six repeats per problem.
    expect(evaluation.totals.single?.duplicateFindings).toBe(0);
    expect(evaluation.totals.vote?.duplicateFindings).toBe(36);
    expect(evaluation.totals.vote?.findingsShared).toBe(54);
    expect(existsSync(join(out, 'report.md')) && existsSync(join(out, 'chart.svg'))).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| collective | ██░░░░░░░░ 17% | 2 / 12 | 11% |');
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toEqual(evaluation);
  }, 120_000);

  it('debate shows each voter the others\' findings once more and merges again by majority', async () => {
    // Round one: every voter names one of the two defects; asked again (a message from the human), each names the other.
    const script = {
      version: 1,
      turns: [{ calls: [{ tool: 'share_finding', input: { content: 'an hour formats as minutes', evidence: ['index.js:118'] } }], done: true }],
      onMessage: [
        { match: { type: 'question', from: 'human', contentIncludes: 'index.js:118' }, calls: [{ tool: 'share_finding', input: { content: 'plural at 1.5', evidence: ['index.js:160'] } }] },
      ],
    };
    writeFileSync(join(folder, 'debate.json'), JSON.stringify(script));
    const result = await run(
      ['eval', '--problems', 'ms-format', '--conditions', 'vote,debate', '--brain', 'scripted', '--brain-options', JSON.stringify({ script: join(folder, 'debate.json') }), '--json', '--quiet', '3', '--timeout', '60'],
      110_000,
    );
    expect(result.status, result.stderr).toBe(0);
    const [problem] = (JSON.parse(result.stdout) as EvalResult).problems;
    expect(problem?.conditions.vote).toMatchObject({ found: 1, findings: 1, precision: 1, endReasons: ['finished', 'finished', 'finished'] });
    expect(problem?.conditions.debate).toMatchObject({ found: 2, findings: 2, precision: 1, findingsShared: 6, endedByItself: true });
  }, 120_000);

  it('holds a model brain to --max-tokens and counts its model calls and tokens', async () => {
    // Each turn: the model shares a finding (one call), sees the result and stops (a second call); 1,100 tokens a call.
    const respond = (request: MockLlmRequest): MockReply => {
      const usage = { inputTokens: 1000, outputTokens: 100 };
      if (request.messages.at(-1)?.role === 'tool') return { text: 'shared', usage };
      return { toolCalls: [{ name: 'share_finding', input: { content: 'an hour formats as minutes', evidence: ['index.js:118'] } }], usage };
    };
    const mock = await startMockLlmServer({ respond });
    try {
      const result = await run(
        ['eval', '--problems', 'ms-parse', '--conditions', 'single', '--brain', 'openai-compatible', '--base-url', `${mock.url}/v1`, '--model', 'mock', '--max-tokens', '3000', '--quiet', '2', '--timeout', '60', '--json'],
        110_000,
        { ...process.env, OPENAI_API_KEY: 'sk-eval-test' },
      );
      expect(result.status, result.stderr).toBe(0);
      const single = (JSON.parse(result.stdout) as EvalResult).problems[0]?.conditions.single;
      // Two turns of two calls: after the first the collective has used 2,200 of 3,000 tokens, after the second it pauses.
      expect(single).toMatchObject({ modelCalls: 4, inputTokens: 4000, outputTokens: 400, endReasons: ['budget'], endedByItself: false, found: 0, findings: 1, precision: 0 });
      expect(mock.requests).toHaveLength(4);
    } finally {
      await mock.close();
    }
  }, 120_000);
});
