import { closeSync, openSync, readFileSync, readSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, posix } from 'node:path';
import { AuditError } from './audit-error.js';
import { compareText } from './audit-finding.js';
import { isSourcePath, languageOfPath, type SourceLanguage } from './source-language.js';
import { isInside, realWorkspace, resolveInsideWorkspace } from './workspace-path.js';

/** One source file as the analyses see it: workspace-relative posix path, text, and its lines (no line endings). */
export interface SourceFile {
  path: string;
  text: string;
  lines: string[];
  language: SourceLanguage;
}

/** Folders never audited: dependencies, build output, and anything hidden (`.git`, `.tachikoma`, ...). */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules',
  'dist',
  'build',
  'coverage',
  'vendor',
  'out',
  'target',
  '__pycache__',
  'venv',
]);

/** Default cap on listed files, so a huge workspace cannot stall a turn. */
export const DEFAULT_MAX_FILES = 5_000;
/** Default cap on one file's size; larger files are generated or data, not hand-written source. */
export const DEFAULT_MAX_BYTES = 512 * 1024;
const BINARY_SNIFF_BYTES = 8_192;

function looksBinary(absolutePath: string): boolean {
  const buffer = Buffer.alloc(BINARY_SNIFF_BYTES);
  const descriptor = openSync(absolutePath, 'r');
  try {
    const read = readSync(descriptor, buffer, 0, BINARY_SNIFF_BYTES, 0);
    return buffer.subarray(0, read).includes(0);
  } finally {
    closeSync(descriptor);
  }
}

function sortedEntries(folder: string): Dirent[] {
  try {
    return readdirSync(folder, { withFileTypes: true }).sort((left, right) => compareText(left.name, right.name));
  } catch {
    return [];
  }
}

/** Resolves a symlink and returns its real path when it is a regular file inside the workspace, else null. */
function followFileLink(root: string, absolutePath: string): string | null {
  try {
    const real = realpathSync(absolutePath);
    return isInside(root, real) && statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * Lists source files under `workspace` (posix relative paths, sorted), skipping node_modules, .git, dist, build,
 * coverage, vendor, hidden folders (.tachikoma etc.), binary files, files over maxBytes; never follows a symlink
 * out of the workspace (resolve realpath and check it stays inside). Symlinked folders are not entered at all
 * (they could loop or list a file twice); symlinked files are kept when their target is inside the workspace.
 */
export function listSourceFiles(workspace: string, options?: { maxFiles?: number; maxBytes?: number }): string[] {
  const maxFiles = options?.maxFiles ?? DEFAULT_MAX_FILES;
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES;
  const root = realWorkspace(workspace);
  const found: string[] = [];
  const walk = (folder: string, prefix: string): void => {
    for (const entry of sortedEntries(folder)) {
      if (found.length >= maxFiles) return;
      if (entry.name.startsWith('.')) continue;
      const absolutePath = join(folder, entry.name);
      const relativePath = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(absolutePath, relativePath);
        continue;
      }
      if (!isSourcePath(relativePath)) continue;
      const target = entry.isSymbolicLink() ? followFileLink(root, absolutePath) : entry.isFile() ? absolutePath : null;
      if (target === null) continue;
      try {
        if (statSync(target).size > maxBytes || looksBinary(target)) continue;
      } catch {
        continue;
      }
      found.push(relativePath);
    }
  };
  walk(root, '');
  return found.sort(compareText);
}

/** Splits text into lines without their endings (`\n` or `\r\n`); a final newline does not add an empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Builds a SourceFile from text already in memory (tests, or callers that read files themselves). */
export function createSourceFile(path: string, text: string): SourceFile {
  const clean = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return { path, text: clean, lines: splitLines(clean), language: languageOfPath(path) };
}

/**
 * Reads one file as a SourceFile; throws AuditError `outside_workspace` for a path outside the workspace (..,
 * absolute, symlink escape), `not_found` when it does not exist, `not_a_file` for a folder.
 */
export function readSourceFile(workspace: string, relativePath: string): SourceFile {
  const absolutePath = resolveInsideWorkspace(workspace, relativePath);
  if (!statSync(absolutePath).isFile()) {
    throw new AuditError('not_a_file', `${relativePath} is not a regular file; pass a file path.`);
  }
  const path = posix.normalize(relativePath.split('\\').join('/'));
  return createSourceFile(path, readFileSync(absolutePath, 'utf8'));
}

/** Lists and reads every source file of the workspace, in path order. */
export function readSourceFiles(
  workspace: string,
  options?: { maxFiles?: number; maxBytes?: number },
): SourceFile[] {
  return listSourceFiles(workspace, options).map((path) => readSourceFile(workspace, path));
}
