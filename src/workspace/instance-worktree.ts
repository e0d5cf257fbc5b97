import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { branchExists, git, gitRaw, gitTopLevel } from './git.js';

/** A name git accepts as one ref component: no leading dot, no spaces or special characters. */
function refComponent(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-.]+/, '');
  return cleaned === '' ? 'run' : cleaned;
}

/** The branch names of one run: every one starts with `tachikoma/`, so the user's own branches are never touched. */
export function runBranches(runDirectory: string): { prefix: string; integration: string; instance: (id: string) => string; change: (taskId: string) => string } {
  const prefix = `tachikoma/${refComponent(basename(runDirectory))}`;
  return {
    prefix,
    integration: `${prefix}/integration`,
    instance: (id) => `${prefix}/${refComponent(id)}`,
    change: (taskId) => `${prefix}/changes/${refComponent(taskId)}`,
  };
}

/** Where an instance's worktree lives: under the run directory, never in the user's checkout. */
export function worktreePath(runDirectory: string, instanceId: string): string {
  return join(runDirectory, 'worktrees', refComponent(instanceId));
}

/** The repository an instance writes to, and where the workspace sits inside it. */
export interface InstanceWorktree {
  /** The worktree's top folder. */
  root: string;
  /** The workspace's counterpart inside the worktree (the same folder relative to the repository top). */
  workspace: string;
  branch: string;
  /** The top folder of the user's repository. */
  repository: string;
}

/** Creates the integration branch at the user's HEAD unless it exists; the user's checkout is not touched. */
export async function ensureIntegrationBranch(repository: string, runDirectory: string): Promise<string> {
  const { integration } = runBranches(runDirectory);
  const exists = (): Promise<boolean> => branchExists(repository, integration);
  if (await exists()) return integration;
  const created = await gitRaw(repository, ['branch', integration, 'HEAD']);
  // Two builders' first writes may race to create it; the loser finds it made.
  if (created.code !== 0 && !(await exists())) await git(repository, ['branch', integration, 'HEAD']);
  return integration;
}

/**
 * A worktree with nothing uncommitted moves to the integration branch's latest state, so the next change (a task
 * sent back after a conflict above all) starts from what has landed since; one holding edits is left alone.
 */
async function catchUp(worktree: InstanceWorktree, runDirectory: string): Promise<void> {
  const { integration } = runBranches(runDirectory);
  const [head, target, status] = await Promise.all([
    gitRaw(worktree.root, ['rev-parse', 'HEAD']),
    gitRaw(worktree.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${integration}`]),
    gitRaw(worktree.root, ['status', '--porcelain']),
  ]);
  if (target.code !== 0 || status.code !== 0 || status.stdout !== '' || head.stdout.trim() === target.stdout.trim()) return;
  await git(worktree.root, ['reset', '-q', '--hard', target.stdout.trim()]);
}

/**
 * The instance's own worktree and branch, created at the first call (from the integration branch, itself made at
 * the user's HEAD), reused afterwards, also after a restart. Null when the workspace is not in a git repository.
 */
export async function ensureInstanceWorktree(workspace: string, runDirectory: string, instanceId: string): Promise<InstanceWorktree | null> {
  const repository = await gitTopLevel(workspace);
  if (repository === null) return null;
  const root = worktreePath(runDirectory, instanceId);
  const branch = runBranches(runDirectory).instance(instanceId);
  const inRepository = relative(repository, workspace);
  const result = { root, workspace: join(root, inRepository), branch, repository };
  if (existsSync(join(root, '.git'))) {
    await catchUp(result, runDirectory);
    return result;
  }
  const head = await gitRaw(repository, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (head.code !== 0) throw new Error('the workspace repository has no commit yet; commit once before builders write');
  const integration = await ensureIntegrationBranch(repository, runDirectory);
  mkdirSync(join(runDirectory, 'worktrees'), { recursive: true });
  const existing = await branchExists(repository, branch);
  await git(repository, existing ? ['worktree', 'add', root, branch] : ['worktree', 'add', '-b', branch, root, integration]);
  return result;
}

/** A change committed for review: its own branch, commit and diff summary. */
export interface CommittedChange {
  branch: string;
  commit: string;
  files: string[];
  stat: string;
}

/** A commit made in an instance's worktree, not yet put up for review. */
export interface WorktreeCommit {
  commit: string;
  files: string[];
  stat: string;
}

/** Commits everything changed in the instance's worktree (HEAD moves to it); null when nothing changed. */
export async function commitInWorktree(worktree: InstanceWorktree, message: string): Promise<WorktreeCommit | null> {
  await git(worktree.root, ['add', '-A']);
  const staged = await gitRaw(worktree.root, ['diff', '--cached', '--quiet']);
  if (staged.code === 0) return null;
  await git(worktree.root, ['commit', '--no-verify', '-q', '-m', message]);
  const commit = (await git(worktree.root, ['rev-parse', 'HEAD'])).trim();
  const files = (await git(worktree.root, ['diff', '--name-only', 'HEAD~1', 'HEAD'])).split('\n').filter((line) => line !== '');
  const stat = (await git(worktree.root, ['diff', '--shortstat', 'HEAD~1', 'HEAD'])).trim();
  return { commit, files, stat };
}

/** Takes back the commit just made: its changes are uncommitted edits in the worktree again, nothing is lost. */
export async function undoWorktreeCommit(worktree: InstanceWorktree): Promise<void> {
  await git(worktree.root, ['reset', '-q', '--soft', 'HEAD~1']);
  await git(worktree.root, ['reset', '-q']);
}

/**
 * Puts a commit of the worktree on its own change branch for review; the worktree then starts afresh from the
 * integration branch, so a change later rejected cannot ride along with the next one.
 */
export async function branchChange(worktree: InstanceWorktree, runDirectory: string, taskId: string, made: WorktreeCommit): Promise<CommittedChange> {
  const branch = runBranches(runDirectory).change(taskId);
  await git(worktree.root, ['branch', '-f', branch, made.commit]);
  const integration = await ensureIntegrationBranch(worktree.repository, runDirectory);
  await git(worktree.root, ['reset', '-q', '--hard', integration]);
  return { branch, ...made };
}

/** Commits the worktree's changes and puts them on their own change branch at once; null when nothing changed. */
export async function commitChange(worktree: InstanceWorktree, runDirectory: string, taskId: string, message: string): Promise<CommittedChange | null> {
  const made = await commitInWorktree(worktree, message);
  return made === null ? null : branchChange(worktree, runDirectory, taskId, made);
}
