import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { AuditError } from './audit-error.js';
import { compareText } from './audit-finding.js';
import { isSourcePath, languageOfPath, type SourceLanguage } from './source-language.js';
import { walkWorkspace } from '../workspace/walk-workspace.js';
import { WorkspaceEscapeError, realWorkspace, resolveInWorkspace } from '../workspace/workspace-path.js';

/** One source file as the analyses see it: workspace-relative posix path, text, and its lines (no line endings). */
export interface SourceFile {
  path: string;
  text: string;
  lines: string[];
  language: SourceLanguage;
}

export { SKIPPED_FOLDERS } from '../workspace/walk-workspace.js';

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

/** Is this file small enough and text (not binary)? */
function isReadableText(absolutePath: string, maxBytes: number): boolean {
  try {
    return statSync(absolutePath).size <= maxBytes && !looksBinary(absolutePath);
  } catch {
    return false;
  }
}

/**
 * Lists source files under `workspace` (posix relative paths, sorted) through the one workspace walker (which skips
 * dependencies, build output and hidden folders, and never follows a symlink out), keeping source files only —
 * not binary, not over maxBytes.
 */
export function listSourceFiles(workspace: string, options?: { maxFiles?: number; maxBytes?: number }): string[] {
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES;
  const root = realWorkspace(workspace);
  const { files } = walkWorkspace(root, {
    limit: options?.maxFiles ?? DEFAULT_MAX_FILES,
    accept: (path) => isSourcePath(path) && isReadableText(join(root, path), maxBytes),
  });
  return files.sort(compareText);
}

/** The real path of a workspace file, with the audit's error codes for a path outside it or missing. */
function resolveInsideWorkspace(workspace: string, relativePath: string): string {
  const normalised = posix.normalize(relativePath.split(sep).join('/'));
  try {
    if (normalised === '..' || normalised.startsWith('../')) throw new WorkspaceEscapeError(`Path ${relativePath} climbs out of the workspace; only files inside it can be read.`);
    return resolveInWorkspace(workspace, normalised, { real: true });
  } catch (error) {
    if (WorkspaceEscapeError.isInstance(error)) throw new AuditError(error.code, error.message, { cause: error });
    throw error;
  }
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
