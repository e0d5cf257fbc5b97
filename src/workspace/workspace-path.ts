import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Thrown when a path would leave the workspace; the message says why, for the brain to read. */
export class WorkspaceEscapeError extends Error {
  readonly marker = 'tachikoma.workspace-escape';
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceEscapeError';
  }
}

/**
 * Resolves a workspace-relative path to an absolute one that is inside the workspace, refusing absolute
 * paths, `..` segments, NUL bytes and symlinks that lead out. `mustExist: false` allows a file not yet written
 * (its nearest existing parent is checked instead).
 */
export function resolveInWorkspace(workspace: string, requested: string, options: { mustExist?: boolean } = {}): string {
  if (requested.includes('\u0000')) throw new WorkspaceEscapeError('path contains a NUL byte');
  if (isAbsolute(requested)) throw new WorkspaceEscapeError(`absolute paths are refused (${requested}); give a path relative to the workspace`);
  const normalised = requested.replace(/\\/g, '/');
  if (normalised.split('/').includes('..')) throw new WorkspaceEscapeError(`paths with ".." are refused (${requested}); stay inside the workspace`);
  const root = realpathSync(workspace);
  const target = resolve(root, normalised);
  let probe = target;
  if (options.mustExist === false) {
    while (!existsSync(probe) && probe !== root) probe = resolve(probe, '..');
  } else if (!existsSync(target)) {
    throw new WorkspaceEscapeError(`no such file in the workspace: ${requested}`);
  }
  const real = realpathSync(probe);
  const inside = relative(root, real);
  if (inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) {
    throw new WorkspaceEscapeError(`${requested} leads outside the workspace through a symbolic link; refused`);
  }
  return target;
}
