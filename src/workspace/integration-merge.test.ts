import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutSnapshot, gitIn, makeGitWorkspace } from '../../test/support/git-workspace.js';
import { commitChange, ensureInstanceWorktree, runBranches } from './instance-worktree.js';
import { mergeIntoIntegration } from './integration-merge.js';

let workspace = '';
let runs = '';
beforeEach(() => {
  workspace = makeGitWorkspace({ 'shared.txt': 'base\n' });
  runs = mkdtempSync(join(tmpdir(), 'tachikoma-merge-'));
});
afterEach(() => {
  rmSync(workspace, { recursive: true, force: true });
  rmSync(runs, { recursive: true, force: true });
});

async function change(runDirectory: string, instance: string, taskId: string, content: string): Promise<string> {
  const tree = await ensureInstanceWorktree(workspace, runDirectory, instance);
  if (tree === null) throw new Error('not a git workspace');
  writeFileSync(join(tree.workspace, 'shared.txt'), content);
  const committed = await commitChange(tree, runDirectory, taskId, `change ${taskId}`);
  if (committed === null) throw new Error('nothing committed');
  return committed.branch;
}

describe('merging into the integration branch', () => {
  it('merges a clean change, aborts a conflicting one leaving the branch as it was, and never touches the checkout', async () => {
    const runDirectory = join(runs, 'run-1');
    const before = checkoutSnapshot(workspace);
    const first = await change(runDirectory, 'instance_1', 't1', 'one\n');
    const second = await change(runDirectory, 'instance_2', 't2', 'two\n');
    const { integration } = runBranches(runDirectory);

    expect(await mergeIntoIntegration(workspace, runDirectory, first)).toMatchObject({ merged: true });
    const tip = gitIn(workspace, ['rev-parse', integration]);
    expect(await mergeIntoIntegration(workspace, runDirectory, second)).toMatchObject({ merged: false, conflicts: ['shared.txt'] });
    expect(gitIn(workspace, ['rev-parse', integration])).toBe(tip);
    expect(gitIn(workspace, ['show', `${integration}:shared.txt`])).toBe('one\n');
    // No scratch worktree is left behind: only the checkout and the two builders' worktrees.
    expect(gitIn(workspace, ['worktree', 'list', '--porcelain']).match(/^worktree /gm)).toHaveLength(3);
    expect(checkoutSnapshot(workspace)).toEqual(before);
  });
});

describe("a builder's worktree after a merge", () => {
  it('starts from the latest integration branch when it holds nothing uncommitted, and keeps edits when it does', async () => {
    const runDirectory = join(runs, 'run-2');
    const first = await change(runDirectory, 'instance_1', 't1', 'one\n');
    const tree = await ensureInstanceWorktree(workspace, runDirectory, 'instance_2');
    if (tree === null) throw new Error('not a git workspace');
    expect(readFileSync(join(tree.workspace, 'shared.txt'), 'utf8')).toBe('base\n');
    expect(await mergeIntoIntegration(workspace, runDirectory, first)).toMatchObject({ merged: true });
    // Clean: the next use of the worktree finds what landed.
    await ensureInstanceWorktree(workspace, runDirectory, 'instance_2');
    expect(readFileSync(join(tree.workspace, 'shared.txt'), 'utf8')).toBe('one\n');
    expect(gitIn(tree.root, ['rev-parse', 'HEAD'])).toBe(gitIn(workspace, ['rev-parse', runBranches(runDirectory).integration]));
    // Holding an edit: left exactly as it is, even when the integration branch moves on.
    writeFileSync(join(tree.workspace, 'shared.txt'), 'my edit\n');
    const second = await change(runDirectory, 'instance_1', 't2', 'two\n');
    expect(await mergeIntoIntegration(workspace, runDirectory, second)).toMatchObject({ merged: true });
    await ensureInstanceWorktree(workspace, runDirectory, 'instance_2');
    expect(readFileSync(join(tree.workspace, 'shared.txt'), 'utf8')).toBe('my edit\n');
  });

  it('merges the commit that was reviewed, not whatever the branch points at by then', async () => {
    const runDirectory = join(runs, 'run-2');
    const tree = await ensureInstanceWorktree(workspace, runDirectory, 'instance_1');
    if (tree === null) throw new Error('not a git workspace');
    writeFileSync(join(tree.workspace, 'shared.txt'), 'reviewed\n');
    const reviewed = await commitChange(tree, runDirectory, 't1', 'change t1');
    if (reviewed === null) throw new Error('nothing committed');
    // The branch moves on after the vote (a second complete_task, a stray commit).
    writeFileSync(join(tree.workspace, 'shared.txt'), 'not reviewed\n');
    const later = await commitChange(tree, runDirectory, 't1', 'change t1 again');
    expect(later?.branch).toBe(reviewed.branch);
    expect(gitIn(workspace, ['show', `${reviewed.branch}:shared.txt`])).toBe('not reviewed\n');

    expect(await mergeIntoIntegration(workspace, runDirectory, reviewed.branch, reviewed.commit)).toMatchObject({ merged: true });
    expect(gitIn(workspace, ['show', `${runBranches(runDirectory).integration}:shared.txt`])).toBe('reviewed\n');
  });
});
