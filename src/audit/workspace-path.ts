import { realpathSync } from 'node:fs';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { AuditError } from './audit-error.js';

/** True when `candidate` (absolute) is `root` itself or lies below it. */
export function isInside(root: string, candidate: string): boolean {
  const path = relative(root, candidate);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

/** The workspace's real absolute path (symlinks resolved); throws `not_found` when it does not exist. */
export function realWorkspace(workspace: string): string {
  try {
    return realpathSync(resolve(workspace));
  } catch (error) {
    throw new AuditError('not_found', `Workspace ${workspace} does not exist; pass an existing folder.`, {
      cause: error,
    });
  }
}

/**
 * Resolves a workspace-relative path to the real absolute path of the file, refusing anything that leaves the
 * workspace: absolute paths, `..` segments that climb out, and symlinks whose target lies outside.
 * Throws `outside_workspace` for those and `not_found` when the file does not exist.
 */
export function resolveInsideWorkspace(workspace: string, relativePath: string): string {
  if (isAbsolute(relativePath) || posix.isAbsolute(relativePath) || /^[a-zA-Z]:[\\/]/.test(relativePath)) {
    throw new AuditError(
      'outside_workspace',
      `Path ${relativePath} is absolute; pass a path relative to the workspace root.`,
    );
  }
  const normalised = posix.normalize(relativePath.split(sep).join('/'));
  if (normalised === '..' || normalised.startsWith('../')) {
    throw new AuditError(
      'outside_workspace',
      `Path ${relativePath} climbs out of the workspace; only files inside it can be read.`,
    );
  }
  const root = realWorkspace(workspace);
  let real: string;
  try {
    real = realpathSync(resolve(root, normalised));
  } catch (error) {
    throw new AuditError('not_found', `File ${relativePath} does not exist in the workspace.`, { cause: error });
  }
  if (!isInside(root, real)) {
    throw new AuditError(
      'outside_workspace',
      `Path ${relativePath} is a symlink to ${real}, outside the workspace; it will not be read.`,
    );
  }
  return real;
}
