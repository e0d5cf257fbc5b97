import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The nearest folder of `path` (itself or a parent) that exists. */
function nearestExisting(path: string): string {
  let probe = path;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  return probe;
}

/**
 * Creates the run folder and its logs folder, or throws one line saying which folder cannot be written and why.
 * (On a read-only file system `mkdir -p` reports ENOENT for the folder it could not create, which says nothing
 * about the cause; the nearest existing folder is asked instead.)
 */
export function prepareRunDirectory(root: string, logs: string, workspace?: string): void {
  try {
    mkdirSync(logs, { recursive: true });
    accessSync(root, constants.W_OK);
  } catch (error) {
    const existing = nearestExisting(logs);
    let why = reasonOf(error);
    try {
      accessSync(existing, constants.W_OK);
    } catch (access) {
      why = reasonOf(access);
    }
    throw new Error(`cannot write the run folder ${root}: ${existing} is not writable (${why}); choose another --run-dir`);
  }
  if (workspace !== undefined) keepRunOutOfGit(root, workspace);
}

/**
 * The run folder usually sits inside the user's checkout (`.tachikoma/`), and holds the store, logs and the
 * builders' worktrees: a `.gitignore` of `*` in it keeps all of that out of the user's `git status` and
 * `git add -A` without touching any file of theirs. Never written over an existing one, nor when the run folder is
 * the workspace itself, holds it, or is a repository of its own (the ignore would then hide the user's files).
 */
export function keepRunOutOfGit(root: string, workspace: string): void {
  const fromRun = relative(resolve(root), resolve(workspace));
  const holdsWorkspace = fromRun === '' || (!fromRun.startsWith('..') && !isAbsolute(fromRun));
  const ignore = join(root, '.gitignore');
  if (holdsWorkspace || existsSync(ignore) || existsSync(join(root, '.git'))) return;
  writeFileSync(ignore, '# Written by tachikoma: this run folder (store, logs, worktrees) stays out of git.\n*\n');
}
