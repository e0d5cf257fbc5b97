import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** Runs git in `cwd` with a fixed identity and returns its output. */
export function gitIn(cwd: string, args: readonly string[]): string {
  return execFileSync('git', [...args], {
    cwd, encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'user', GIT_AUTHOR_EMAIL: 'user@example.test', GIT_COMMITTER_NAME: 'user', GIT_COMMITTER_EMAIL: 'user@example.test' },
  });
}

/** A git repository in a temporary folder holding `files`, all committed on branch `main`. */
export function makeGitWorkspace(files: Record<string, string>): string {
  const workspace = mkdtempSync(join(tmpdir(), 'tachikoma-git-'));
  gitIn(workspace, ['init', '-q', '-b', 'main']);
  for (const [path, content] of Object.entries(files)) writeFileSync(join(workspace, path), content);
  gitIn(workspace, ['add', '-A']);
  gitIn(workspace, ['commit', '-q', '-m', 'start']);
  return workspace;
}

function filesUnder(root: string, folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === '.git' ? [] : filesUnder(root, path);
    return [relative(root, path)];
  });
}

/**
 * Everything of the user's checkout a run must leave alone: a hash of every working-tree file, the index, HEAD,
 * `git status --porcelain`, and every ref outside `refs/heads/tachikoma/`.
 */
export function checkoutSnapshot(workspace: string): { files: Record<string, string>; index: string; head: string; status: string; refs: string } {
  const hash = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
  // First: `git status` may refresh the index's stat cache, which must not count as a change.
  const status = gitIn(workspace, ['status', '--porcelain']);
  const files = Object.fromEntries(filesUnder(workspace, workspace).sort().map((path) => [path, hash(join(workspace, path))]));
  const refs = gitIn(workspace, ['for-each-ref', '--format=%(refname) %(objectname)']).split('\n').filter((line) => line !== '' && !line.startsWith('refs/heads/tachikoma/')).join('\n');
  return {
    files, index: hash(join(workspace, '.git', 'index')), head: readFileSync(join(workspace, '.git', 'HEAD'), 'utf8') + gitIn(workspace, ['rev-parse', 'HEAD']),
    status, refs,
  };
}
