import { closeSync, constants, fstatSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { z } from 'zod';
import { resolveInWorkspace } from '../workspace/workspace-path.js';
import { type LinearPattern, compileLinearPattern } from './linear-pattern.js';
import { type ToolDefinition, defineTool } from './tool-definition.js';

const SKIPPED = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.tachikoma', '.next', 'target', 'vendor']);
const MAX_FILE_BYTES = 256 * 1024;

/**
 * Reads a workspace file as text if it is a regular file of at most MAX_FILE_BYTES. A FIFO, socket or device
 * would block the read (and the whole instance with it) or never end, so only regular files are opened.
 */
function readRegularText(absolute: string, shown: string): string {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting; the check is on the opened
  // descriptor, so a file swapped for a FIFO after a stat cannot slip through.
  const descriptor = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) throw new Error(`${shown} is not a regular file; only regular files are read`);
    if (stats.size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes; read a line range with grep first`);
    return readFileSync(descriptor, 'utf8');
  } finally {
    closeSync(descriptor);
  }
}

function walk(root: string, folder: string, limit: number, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (out.length >= limit) return;
    if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
    const full = join(folder, entry.name);
    if (entry.isDirectory()) walk(root, full, limit, out);
    else if (entry.isFile()) out.push(relative(root, full).split('\\').join('/'));
  }
}

/**
 * Matches `pattern` against each line of the regular files under `folder`. Every file gives the event loop a
 * turn, so heartbeats go on during a search of a large workspace, and an abort stops it between files.
 */
async function grepWorkspace(pattern: LinearPattern, workspace: string, folder: string, limit: number, signal: AbortSignal): Promise<Array<{ at: string; line: string }>> {
  const root = resolveInWorkspace(workspace, '.');
  const files: string[] = [];
  walk(root, resolveInWorkspace(workspace, folder), 5000, files);
  const matches: Array<{ at: string; line: string }> = [];
  for (const file of files) {
    if (matches.length >= limit || signal.aborted) break;
    await setImmediate();
    let text: string;
    try {
      text = readRegularText(join(root, file), file);
    } catch {
      continue;
    }
    text.split('\n').forEach((line, index) => {
      if (matches.length < limit && pattern.test(line)) matches.push({ at: `${file}:${index + 1}`, line: line.slice(0, 300) });
    });
  }
  return matches;
}

/** Reading the workspace: list, read and grep, confined to the workspace root. */
export const WORKSPACE_TOOLS: readonly ToolDefinition[] = [
  defineTool({
    name: 'list_files',
    description: 'List files under a folder of the workspace (skips node_modules, .git, dist and hidden folders).',
    input: z.strictObject({ folder: z.string().max(1000).optional(), limit: z.number().int().min(1).max(5000).optional() }),
    run: (input, env) => {
      const start = resolveInWorkspace(env.workspace, input.folder ?? '.');
      const root = resolveInWorkspace(env.workspace, '.');
      const files: string[] = [];
      walk(root, start, input.limit ?? 1000, files);
      return Promise.resolve(files);
    },
  }),
  defineTool({
    name: 'read_files',
    description: 'Read up to 50 workspace files (text, at most 256 KiB each), optionally a line range of each.',
    input: z.strictObject({
      paths: z.array(z.string().min(1).max(1000)).min(1).max(50),
      fromLine: z.number().int().min(1).optional(),
      toLine: z.number().int().min(1).optional(),
    }),
    run: (input, env) =>
      Promise.resolve(
        input.paths.map((path) => {
          try {
            const lines = readRegularText(resolveInWorkspace(env.workspace, path), path).split('\n');
            const from = input.fromLine ?? 1;
            const to = Math.min(input.toLine ?? lines.length, lines.length);
            return { path, fromLine: from, lines: lines.slice(from - 1, to), totalLines: lines.length };
          } catch (error) {
            return { path, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      ),
  }),
  defineTool({
    name: 'grep',
    description: 'Search workspace files for a regular expression (RE2 syntax: no backreferences or lookaround); returns path:line matches (at most `limit`).',
    input: z.strictObject({ pattern: z.string().min(1).max(500), folder: z.string().max(1000).optional(), limit: z.number().int().min(1).max(1000).optional() }),
    run: (input, env) => grepWorkspace(compileLinearPattern(input.pattern), env.workspace, input.folder ?? '.', input.limit ?? 100, env.signal),
  }),
];
