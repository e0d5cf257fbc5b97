import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { git, gitRaw } from './git.js';

/**
 * Runs `work` in a temporary detached worktree of `commit` under the run directory (never the user's checkout),
 * and removes the worktree afterwards whatever happens.
 */
export async function withScratchWorktree<T>(repository: string, runDirectory: string, commit: string, work: (folder: string) => Promise<T>): Promise<T> {
  const scratch = join(runDirectory, 'worktrees', `.scratch-${randomUUID().slice(0, 8)}`);
  await git(repository, ['worktree', 'add', '--detach', scratch, commit]);
  try {
    return await work(scratch);
  } finally {
    await gitRaw(repository, ['worktree', 'remove', '--force', scratch]);
  }
}
