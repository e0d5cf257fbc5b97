import { execFile } from 'node:child_process';
import { TachikomaError } from '../core/errors.js';

export type GitErrorCode = 'git_failed' | 'merge_conflict';

/** A git command that failed; the message carries git's own words. */
export class GitError extends TachikomaError<GitErrorCode> {
  static override readonly kind = 'GitError';
  constructor(message: string, code: GitErrorCode = 'git_failed', options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** What a git command printed, and how it ended. */
export interface GitOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Commits made by the collective carry this identity, so a run works on a machine with no git user configured and
 * nothing reads the user's global identity into the history.
 */
const COMMITTER = {
  GIT_AUTHOR_NAME: 'tachikoma', GIT_AUTHOR_EMAIL: 'tachikoma@localhost', GIT_COMMITTER_NAME: 'tachikoma', GIT_COMMITTER_EMAIL: 'tachikoma@localhost',
};

/** Runs git with arguments (no shell) in `cwd`; resolves with its output whatever the exit code. */
export function gitRaw(cwd: string, args: readonly string[]): Promise<GitOutput> {
  return new Promise((resolvePromise, reject) => {
    execFile('git', [...args], { cwd, env: { ...process.env, ...COMMITTER, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new GitError(`git could not run (${error.message}); is git installed?`, 'git_failed', { cause: error }));
        return;
      }
      resolvePromise({ stdout, stderr, code: error === null ? 0 : (error.code as number) });
    });
  });
}

/** Runs git and returns its standard output; a GitError when it exits non-zero. */
export async function git(cwd: string, args: readonly string[]): Promise<string> {
  const output = await gitRaw(cwd, args);
  if (output.code !== 0) throw new GitError(`git ${args.join(' ')} failed: ${(output.stderr || output.stdout).trim().split('\n').slice(0, 5).join(' / ')}`);
  return output.stdout;
}

/** The top folder of the git repository holding `folder`, or null when it is not in one. */
export async function gitTopLevel(folder: string): Promise<string | null> {
  const output = await gitRaw(folder, ['rev-parse', '--show-toplevel']).catch(() => null);
  return output === null || output.code !== 0 ? null : output.stdout.trim();
}

/** Whether `branch` exists in the repository at `cwd`. */
export async function branchExists(cwd: string, branch: string): Promise<boolean> {
  return (await gitRaw(cwd, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
}
