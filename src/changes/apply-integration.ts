import { branchExists, git, gitRaw, gitTopLevel } from '../workspace/git.js';

/**
 * Merges the run's integration branch into the user's current branch, the one time a run touches the user's
 * checkout, and only when asked. Refuses (one line) when the workspace is not a repository, the integration branch
 * does not exist, or tracked files have uncommitted changes.
 */
export async function applyIntegration(workspace: string, integration: string): Promise<{ ok: true; summary: string } | { ok: false; error: string }> {
  const repository = await gitTopLevel(workspace);
  if (repository === null) return { ok: false, error: `${workspace} is not a git repository; there is nothing to apply` };
  if (!(await branchExists(repository, integration))) {
    return { ok: false, error: `no branch ${integration}: this run merged no change yet` };
  }
  const dirty = (await git(repository, ['status', '--porcelain', '--untracked-files=no'])).trim();
  if (dirty !== '') return { ok: false, error: 'refused: the working tree has uncommitted changes; commit or stash them, then run `tachikoma changes --apply` again' };
  const merge = await gitRaw(repository, ['merge', '--no-edit', integration]);
  if (merge.code !== 0) {
    await gitRaw(repository, ['merge', '--abort']);
    return { ok: false, error: `merging ${integration} conflicted with your branch; the merge was aborted and nothing changed (${merge.stdout.trim().split('\n').slice(-1)[0] ?? ''})` };
  }
  return { ok: true, summary: merge.stdout.trim().split('\n').slice(-1)[0] ?? 'merged' };
}
