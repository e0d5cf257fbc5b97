import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstanceWorktree, worktreePath } from '../workspace/instance-worktree.js';
import type { ToolEnvironment } from './tool-definition.js';

/**
 * Where this instance's writes and commands act: its own git worktree (made at the first call) when the workspace
 * is a git repository; the workspace itself only when the config says `allowWriteInPlace`; otherwise a refusal.
 */
export async function changeRoot(env: ToolEnvironment): Promise<string> {
  const worktree = await ensureInstanceWorktree(env.workspace, env.runDirectory, env.self);
  if (worktree !== null) return worktree.workspace;
  if (env.changes?.allowWriteInPlace === true) return env.workspace;
  throw new Error('refused: the workspace is not a git repository, so changes cannot be isolated and reviewed; run `git init` and commit, or set "allowWriteInPlace": true in the config');
}

/**
 * Where this instance reads: its own worktree once it has one (so it sees its own edits), the workspace otherwise.
 * Reading never creates a worktree.
 */
export async function readRoot(env: ToolEnvironment): Promise<string> {
  if (!existsSync(join(worktreePath(env.runDirectory, env.self), '.git'))) return env.workspace;
  return (await ensureInstanceWorktree(env.workspace, env.runDirectory, env.self))?.workspace ?? env.workspace;
}
