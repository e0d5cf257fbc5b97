import { git, gitRaw } from './git.js';
import { ensureIntegrationBranch } from './instance-worktree.js';
import { withScratchWorktree } from './scratch-worktree.js';

/** How a merge into the integration branch ended. */
export type MergeResult = { merged: true; commit: string } | { merged: false; conflicts: string[]; detail: string };

/**
 * Merges `branch` into the run's integration branch in a temporary detached worktree under the run directory
 * (never the user's checkout), moving the integration ref only when the merge is clean. A conflict is aborted
 * and reported with the conflicting files; the integration branch is then unchanged. `commit`, when given, is the
 * commit that was reviewed and voted on: it is what lands, even if the branch moved on after the vote.
 */
export async function mergeIntoIntegration(repository: string, runDirectory: string, branch: string, commit?: string): Promise<MergeResult> {
  const integration = await ensureIntegrationBranch(repository, runDirectory);
  const before = (await git(repository, ['rev-parse', `refs/heads/${integration}`])).trim();
  return withScratchWorktree(repository, runDirectory, before, async (scratch): Promise<MergeResult> => {
    const what = commit ?? branch;
    const message = commit === undefined ? `merge ${branch}` : `merge ${branch} (${commit.slice(0, 12)}, as reviewed)`;
    const merge = await gitRaw(scratch, ['merge', '--no-ff', '--no-edit', '-m', message, what]);
    if (merge.code !== 0) {
      const conflicts = (await git(scratch, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter((line) => line !== '');
      await gitRaw(scratch, ['merge', '--abort']);
      return { merged: false, conflicts, detail: (merge.stdout + merge.stderr).trim().split('\n').slice(0, 8).join(' / ') };
    }
    const merged = (await git(scratch, ['rev-parse', 'HEAD'])).trim();
    // Compare-and-set: a merge that raced another leaves the ref alone and fails loudly.
    await git(repository, ['update-ref', `refs/heads/${integration}`, merged, before]);
    return { merged: true, commit: merged };
  });
}
