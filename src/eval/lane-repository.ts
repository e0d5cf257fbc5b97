import { existsSync } from 'node:fs';
import { branchExists, git } from '../workspace/git.js';
import { runBranches } from '../workspace/instance-worktree.js';

/**
 * Makes a problem's copy a git repository with the seeded package as its one commit, so builders work as they do
 * on a user's checkout: each in its own worktree, changes merged into the run's integration branch by vote.
 */
export async function initLaneRepository(folder: string): Promise<void> {
  await git(folder, ['init', '-q']);
  await git(folder, ['add', '-A']);
  await git(folder, ['commit', '-q', '--no-verify', '-m', 'the problem as seeded']);
}

/**
 * A checkout of what the collective merged: the run's integration branch (the seeded commit when nothing was ever
 * merged), as a detached worktree at `destination`. Neither a builder's worktree nor the copy itself is judged.
 */
export async function checkoutIntegration(repository: string, runDirectory: string, destination: string): Promise<{ folder: string; ref: string }> {
  const { integration } = runBranches(runDirectory);
  const exists = await branchExists(repository, integration);
  const ref = exists ? integration : 'HEAD';
  if (!existsSync(destination)) await git(repository, ['worktree', 'add', '-q', '--detach', destination, ref]);
  return { folder: destination, ref };
}
