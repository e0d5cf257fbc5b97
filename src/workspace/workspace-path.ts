import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { TachikomaError } from '../core/errors.js';

export type WorkspaceErrorCode = 'outside_workspace' | 'not_found';

/** Thrown when a path would leave the workspace (or names nothing in it); the message says why, for the brain to read. */
export class WorkspaceEscapeError extends TachikomaError<WorkspaceErrorCode> {
  static override readonly kind = 'WorkspaceEscapeError';
  constructor(message: string, code: WorkspaceErrorCode = 'outside_workspace', options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** True when `candidate` (absolute) is `root` itself or lies below it. */
export function isInside(root: string, candidate: string): boolean {
  const path = relative(root, candidate);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path) && !path.split(sep).includes('..'));
}

/** The workspace's real absolute path (symlinks resolved); `not_found` when it does not exist. */
export function realWorkspace(workspace: string): string {
  try {
    return realpathSync(resolve(workspace));
  } catch (error) {
    throw new WorkspaceEscapeError(`Workspace ${workspace} does not exist; pass an existing folder.`, 'not_found', { cause: error });
  }
}

/**
 * Resolves a workspace-relative path to an absolute one that is inside the workspace, refusing absolute paths
 * (POSIX or Windows), `..` segments, NUL bytes and symlinks that lead out. `mustExist: false` allows a file not yet
 * written (its nearest existing parent is checked instead). `real: true` returns the real path (symlinks resolved).
 */
export function resolveInWorkspace(workspace: string, requested: string, options: { mustExist?: boolean; real?: boolean } = {}): string {
  if (requested.includes('\u0000')) throw new WorkspaceEscapeError('path contains a NUL byte');
  if (isAbsolute(requested) || /^[a-zA-Z]:[\\/]/.test(requested)) {
    throw new WorkspaceEscapeError(`absolute paths are refused (${requested}); give a path relative to the workspace`);
  }
  const normalised = requested.replace(/\\/g, '/');
  if (normalised.split('/').includes('..')) throw new WorkspaceEscapeError(`paths with ".." are refused (${requested}); stay inside the workspace`);
  const root = realWorkspace(workspace);
  const target = resolve(root, normalised);
  let probe = target;
  if (options.mustExist === false) {
    while (!existsSync(probe) && probe !== root) probe = resolve(probe, '..');
  } else if (!existsSync(target)) {
    throw new WorkspaceEscapeError(`no such file in the workspace: ${requested}`, 'not_found');
  }
  const real = realpathSync(probe);
  if (!isInside(root, real)) {
    throw new WorkspaceEscapeError(`${requested} leads outside the workspace through a symbolic link (to ${real}); refused`);
  }
  return options.real === true && probe === target ? real : target;
}

/**
 * A path a tool may write: inside the root as `resolveInWorkspace` checks it (the file need not exist yet), and never
 * inside git's own folder, whose files would let a writer rewrite history or hooks.
 */
export function resolveForWrite(root: string, requested: string): string {
  const target = resolveInWorkspace(root, requested, { mustExist: false });
  const segments = relative(realWorkspace(root), target).split(sep);
  if (segments.includes('.git')) throw new WorkspaceEscapeError(`${requested} is inside .git; refused (write source files only)`);
  return target;
}
