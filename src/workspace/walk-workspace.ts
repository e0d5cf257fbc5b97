import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isInside, realWorkspace } from './workspace-path.js';

/** Folders never walked: dependencies, build output, caches (hidden folders — `.git`, `.tachikoma` … — neither). */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules', 'dist', 'build', 'coverage', 'vendor', 'out', 'target', '__pycache__', 'venv', '.next',
]);

export interface WalkOptions {
  /** Stop after this many files. */
  limit: number;
  /** Keep only the files this accepts (posix path relative to the workspace). */
  accept?: (relativePath: string) => boolean;
  /** Below this folder only (workspace-relative); the whole workspace by default. */
  folder?: string;
}

/** What a walk found; `cut` is true when it stopped at the limit with more files left. */
export interface WalkResult {
  files: string[];
  cut: boolean;
}

function sortedEntries(folder: string): Dirent[] {
  try {
    return readdirSync(folder, { withFileTypes: true }).sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  } catch {
    return [];
  }
}

/** The real path of a symlink when it is a regular file inside the workspace, else null. */
function linkedFile(root: string, absolutePath: string): string | null {
  try {
    const real = realpathSync(absolutePath);
    return isInside(root, real) && statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * The one walker of the workspace (the file tools and the analyser use it): regular files only, posix paths
 * relative to the workspace, in name order; skips hidden entries and SKIPPED_FOLDERS; symlinked folders are not
 * entered (they could loop or list a file twice), symlinked files are kept when their target is inside the workspace.
 */
export function walkWorkspace(workspace: string, options: WalkOptions): WalkResult {
  const root = realWorkspace(workspace);
  const files: string[] = [];
  let cut = false;
  const walk = (folder: string, prefix: string): void => {
    for (const entry of sortedEntries(folder)) {
      if (entry.name.startsWith('.')) continue;
      const absolutePath = join(folder, entry.name);
      const relativePath = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(absolutePath, relativePath);
      } else if (entry.isFile() || (entry.isSymbolicLink() && linkedFile(root, absolutePath) !== null)) {
        if (options.accept !== undefined && !options.accept(relativePath)) continue;
        if (files.length >= options.limit) {
          cut = true;
          return;
        }
        files.push(relativePath);
      }
      if (cut) return;
    }
  };
  const start = options.folder === undefined || options.folder === '' || options.folder === '.' ? '' : options.folder.replace(/\\/g, '/').replace(/\/+$/, '');
  walk(start === '' ? root : join(root, start), start);
  return { files, cut };
}
