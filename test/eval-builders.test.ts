import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalResult } from '../src/eval/eval-result.js';
import { readChanges } from '../src/workspace/change-ledger.js';
import { cli, withStore } from './support/collective-harness.js';
import { gitIn } from './support/git-workspace.js';

let folder = '';

/** The two seeded defects of ms-format (index.js:118 and :160) and their fixes. */
const HOUR_FIX = { tool: 'edit_file', input: { path: 'index.js', old: 'if (msAbs > h) {', new: 'if (msAbs >= h) {' } };
const PLURAL_FIX = { tool: 'edit_file', input: { path: 'index.js', old: 'var isPlural = msAbs > n * 1.5;', new: 'var isPlural = msAbs >= n * 1.5;' } };

/**
 * One script for every instance. At its first turn each tries to take the coordinator role and put a fix task on
 * the board (one succeeds), then to take it on: only a builder may claim it and edit. A builder that was too early
 * does its work when the new task is announced. Whoever sees a "merge <branch>?" vote reads the change, checks it
 * and votes to merge (the author is not shown its own proposal).
 */
function fixScript(edits: unknown[]): unknown {
  const work = [
    { tool: 'claim_task', input: {} },
    ...edits,
    { tool: 'complete_task', input: { taskId: 'fix-ms', result: 'fixed the boundaries', evidence: ['index.js:118', 'index.js:160'] } },
  ];
  return {
    version: 1,
    turns: [{
      calls: [
        { tool: 'coordinator_lease', input: { action: 'acquire', ttlMs: 600_000 } },
        { tool: 'create_task', input: { id: 'fix-ms', title: 'Fix the formatting boundaries of index.js', requiredRole: 'builder' } },
        ...work,
      ],
    }],
    onMessage: [
      {
        match: { type: 'proposal' },
        calls: [
          { tool: 'read_change', input: { proposalId: 'merge_fix-ms' } },
          { tool: 'check_change', input: { proposalId: 'merge_fix-ms', command: 'git status --short' } },
          { tool: 'vote', input: { proposalId: 'merge_fix-ms', option: 'merge', reason: 'the diff fixes both boundaries' } },
        ],
      },
      { match: { type: 'status', contentIncludes: 'new task fix-ms' }, calls: work },
    ],
  };
}

async function evaluate(script: unknown, conditions: string, workDir: string): Promise<EvalResult> {
  const path = join(folder, `${conditions}-${Date.now()}.json`);
  writeFileSync(path, JSON.stringify(script));
  const args = ['eval', '--problems', 'ms-format', '--conditions', conditions, '--brain', 'scripted', '--brain-options', JSON.stringify({ script: path }), '--json', '--quiet', '3', '--timeout', '90', '--work-dir', workDir];
  const { status, stdout, stderr } = await cli(args, 200_000);
  expect(status, stderr).toBe(0);
  return JSON.parse(stdout) as EvalResult;
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'tachikoma-eval-builders-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

describe('tachikoma eval on a fix problem: builders, review, vote, merge; the hidden tests judge the integration branch', () => {
  it('solves ms-format when the reviewed fix is merged, and not when no one reviews it (single)', async () => {
    const workDir = join(folder, 'right');
    const evaluation = await evaluate(fixScript([HOUR_FIX, PLURAL_FIX]), 'single,collective', workDir);
    const [problem] = evaluation.problems;
    expect(problem?.conditions.collective).toMatchObject({ hiddenTestsPassed: true, endedByItself: true });
    expect(evaluation.totals.collective).toMatchObject({ fixesPassed: 1, fixProblems: 1 });

    // How it got there: the builder (instance_2) committed the change, another instance reviewed and voted, merged.
    const lane = join(workDir, 'ms-format', 'collective', 'run');
    const runDirectory = join(lane, 'run');
    const ledger = readChanges(runDirectory);
    expect(ledger.map((entry) => entry.event)).toEqual(['committed', 'merged']);
    expect(ledger[0]).toMatchObject({ instance: 'instance_2', files: ['index.js'], proposalId: 'merge_fix-ms' });
    const votes = await withStore(runDirectory, (store) => store.listVotes('merge_fix-ms'));
    expect(votes.map((vote) => vote.option)).toEqual(['merge']);
    expect(['instance_1', 'instance_3']).toContain(votes[0]?.voter);
    const integration = gitIn(join(lane, 'workspace'), ['show', 'tachikoma/run/integration:index.js']);
    expect(integration).toContain('if (msAbs >= h) {');
    expect(integration).toContain('var isPlural = msAbs >= n * 1.5;');
    // The problem's own checkout was never changed: the tests judged the merged branch.
    expect(readFileSync(join(lane, 'workspace', 'index.js'), 'utf8')).toContain('if (msAbs > h) {');
    expect(gitIn(join(lane, 'workspace'), ['status', '--porcelain'])).toBe('');

    // Alone, the builder's change waits for a review that never comes: committed, not merged, not solved.
    expect(problem?.conditions.single).toMatchObject({ hiddenTestsPassed: false });
    const single = readChanges(join(workDir, 'ms-format', 'single', 'run', 'run'));
    expect(single.map((entry) => entry.event)).toEqual(['committed']);
  }, 240_000);

  it('reports a merged but wrong fix unsolved', async () => {
    const workDir = join(folder, 'wrong');
    // Only the hour boundary is fixed; "2 minute" stays wrong.
    const evaluation = await evaluate(fixScript([HOUR_FIX]), 'collective', workDir);
    expect(evaluation.problems[0]?.conditions.collective).toMatchObject({ hiddenTestsPassed: false });
    expect(evaluation.totals.collective).toMatchObject({ fixesPassed: 0, fixProblems: 1 });
    const ledger = readChanges(join(workDir, 'ms-format', 'collective', 'run', 'run'));
    expect(ledger.map((entry) => entry.event)).toEqual(['committed', 'merged']);
  }, 240_000);
});
