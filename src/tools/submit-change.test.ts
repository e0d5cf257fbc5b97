import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitIn, makeGitWorkspace } from '../../test/support/git-workspace.js';
import { allowedTools } from '../collective/roles.js';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import { readChanges } from '../workspace/change-ledger.js';
import { worktreePath } from '../workspace/instance-worktree.js';
import { ALL_TOOLS } from './all-tools.js';
import { createToolBox } from './create-tool-box.js';
import { mergeProposalId } from './submit-change.js';

let directory = '';
let workspace = '';
let store: CollectiveStore;
const runDirectory = (): string => join(directory, 'run');

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tachikoma-submit-change-'));
  workspace = makeGitWorkspace({ 'a.txt': 'one\n' });
  store = createSqliteStore(join(directory, 'collective.db'));
  await store.register({ id: 'instance_1', role: 'builder' });
  await store.register({ id: 'instance_2', role: 'builder' });
  await store.createTask({ id: 't-1', title: 'change a', createdBy: 'human', requiredRole: 'builder' });
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
});

function tools() {
  return createToolBox({
    tools: ALL_TOOLS, store, self: 'instance_1', role: 'builder', signal: new AbortController().signal, currentTask: { id: null }, leaseMs: 60_000,
    workspace, runDirectory: runDirectory(), turnKey: '0', allowed: allowedTools('builder', false),
  });
}

describe('complete_task of a builder whose claim was lost', () => {
  it('opens no merge vote, commits nothing and keeps the edits; completed after claiming again, the vote opens', async () => {
    const box = tools();
    expect(await box.call('claim_task', { taskId: 't-1' })).toMatchObject({ ok: true });
    expect(await box.call('edit_file', { path: 'a.txt', old: 'one', new: 'ONE' })).toMatchObject({ ok: true });
    // The claim is lost: given back (as an expired lease would be re-offered) and taken by another builder.
    await store.releaseTask('t-1', 'instance_1');
    await store.claimTask('t-1', 'instance_2', { leaseMs: 60_000 });

    const refused = await box.call('complete_task', { taskId: 't-1', result: 'done', evidence: ['a.txt:1'] });
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.error).toMatch(/^not_owner: instance_1 cannot complete task t-1: it is claimed by instance_2; nothing was committed and no merge vote was opened; your edits are still in your worktree/);
    expect(await store.listProposals()).toEqual([]);
    expect(readChanges(runDirectory())).toEqual([]);
    const tree = worktreePath(runDirectory(), 'instance_1');
    expect(readFileSync(join(tree, 'a.txt'), 'utf8')).toBe('ONE\n');
    expect(gitIn(tree, ['status', '--porcelain'])).toBe(' M a.txt\n');
    expect(gitIn(workspace, ['branch', '--list', 'tachikoma/run/changes/*'])).toBe('');

    // Given back to it, the same builder completes: now the change is committed and put to vote.
    await store.releaseTask('t-1', 'instance_2');
    expect(await box.call('claim_task', { taskId: 't-1' })).toMatchObject({ ok: true });
    const completed = await box.call('complete_task', { taskId: 't-1', result: 'done', evidence: ['a.txt:1'] });
    expect(completed).toMatchObject({ ok: true, data: { state: 'done', change: { branch: 'tachikoma/run/changes/t-1', proposalId: 'merge_t-1_a3' } } });
    expect((await store.listProposals({ state: 'open' })).map((proposal) => proposal.title)).toEqual(['merge tachikoma/run/changes/t-1?']);
    expect(readChanges(runDirectory()).map((entry) => entry.event === 'committed' && entry.files)).toEqual([['a.txt']]);
    expect(gitIn(workspace, ['show', 'tachikoma/run/changes/t-1:a.txt'])).toBe('ONE\n');
  });
});

describe('the merge vote of a task', () => {
  it('is one per claim of the task, and stays distinct for a long task id', () => {
    expect(mergeProposalId('t-1')).toBe('merge_t-1');
    expect(mergeProposalId('t-1', 1)).toBe('merge_t-1');
    expect(mergeProposalId('t-1', 3)).toBe('merge_t-1_a3');
    const long = 'x'.repeat(64);
    expect(mergeProposalId(long)).toHaveLength(64);
    expect(mergeProposalId(long, 2)).toHaveLength(64);
    expect(mergeProposalId(long, 2)).not.toBe(mergeProposalId(long, 3));
    expect(mergeProposalId(long, 2).endsWith('_a2')).toBe(true);
  });
});
