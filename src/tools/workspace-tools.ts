import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { z } from 'zod';
import { walkWorkspace } from '../workspace/walk-workspace.js';
import { resolveInWorkspace } from '../workspace/workspace-path.js';
import { recordCoverage } from './coverage.js';
import { type LinearPattern, compileLinearPattern } from './linear-pattern.js';
import { readRoot } from './instance-root.js';
import { type ToolDefinition, defineTool } from './tool-definition.js';

const MAX_FILE_BYTES = 256 * 1024;
/** Lines one file read returns at most; the answer says which lines to read next. */
export const MAX_READ_LINES = 400;

/** Files under a workspace folder (checked to be inside it), through the one workspace walker; `cut` when more were left. */
function filesUnder(workspace: string, folder: string | undefined, limit: number): { files: string[]; cut: boolean } {
  const start = relative(resolveInWorkspace(workspace, '.'), resolveInWorkspace(workspace, folder ?? '.')).split('\\').join('/');
  return walkWorkspace(workspace, { limit, folder: start });
}

/** A file's lines `from`..`to` numbered as `N: text`, with a note saying how to read the rest when cut. */
export function numberedRead(path: string, text: string, fromLine: number | undefined, toLine: number | undefined): Record<string, unknown> {
  const lines = text.split('\n');
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  const total = lines.length;
  const from = Math.max(1, fromLine ?? 1);
  const asked = Math.min(toLine ?? total, total);
  const to = Math.min(asked, from + MAX_READ_LINES - 1);
  const width = String(Math.max(to, 1)).length;
  const numbered = lines.slice(from - 1, to).map((line, index) => `${String(from + index).padStart(width)}: ${line}`);
  const result: Record<string, unknown> = { path, fromLine: from, toLine: Math.max(from - 1, to), totalLines: total, lines: numbered };
  if (from > total) result.note = `the file has only ${total} lines`;
  else if (to < total) {
    const nextTo = Math.min(total, to + MAX_READ_LINES);
    result.note = `cut at line ${to} of ${total}: read lines ${to + 1}–${nextTo} next (fromLine ${to + 1}, toLine ${nextTo})`;
  }
  return result;
}

const folderField = z.string().max(1000).optional().describe('Folder of the workspace, relative to its root (default: the whole workspace).');

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
    if (stats.size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes; find the lines with grep, then read a range`);
    return readFileSync(descriptor, 'utf8');
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Matches `pattern` against each line of the regular files under `folder`. Every file gives the event loop a
 * turn, so heartbeats go on during a search of a large workspace, and an abort stops it between files.
 */
async function grepWorkspace(pattern: LinearPattern, workspace: string, folder: string | undefined, limit: number, signal: AbortSignal): Promise<{ matches: Array<{ at: string; line: string }>; cut: boolean }> {
  const root = resolveInWorkspace(workspace, '.');
  const { files } = filesUnder(workspace, folder, 5000);
  const matches: Array<{ at: string; line: string }> = [];
  let cut = false;
  for (const file of files) {
    if (cut || signal.aborted) break;
    await setImmediate();
    let text: string;
    try {
      text = readRegularText(join(root, file), file);
    } catch {
      continue;
    }
    text.split('\n').forEach((line, index) => {
      if (!pattern.test(line)) return;
      if (matches.length < limit) matches.push({ at: `${file}:${index + 1}`, line: line.slice(0, 300) });
      else cut = true;
    });
  }
  return { matches, cut };
}

/** Reading the workspace: list, read and grep, confined to the workspace root. */
export const WORKSPACE_TOOLS: readonly ToolDefinition[] = [
  defineTool({
    name: 'list_files',
    description: 'List files under a folder of the workspace (skips node_modules, .git, dist and hidden folders). Says when the list was cut at `limit`.',
    input: z.strictObject({
      folder: folderField,
      limit: z.number().int().min(1).max(5000).optional().describe('Most files to list (default 1000).'),
    }),
    run: async (input, env) => {
      const limit = input.limit ?? 1000;
      const { files, cut } = filesUnder(await readRoot(env), input.folder, limit);
      return { files, cut, ...(cut ? { note: `cut at ${limit} files: list a sub-folder, or raise limit (at most 5000)` } : {}) };
    },
  }),
  defineTool({
    name: 'read_files',
    description: `Read up to 50 workspace files (text, at most 256 KiB each), optionally a line range of each. Lines come numbered ("12: text"), at most ${MAX_READ_LINES} per file; a cut read says which lines to read next.`,
    input: z.strictObject({
      paths: z.array(z.string().min(1).max(1000)).min(1).max(50).describe('Workspace files to read, relative to the workspace root.'),
      fromLine: z.number().int().min(1).optional().describe('First line to read, 1-based (default 1); applies to every path.'),
      toLine: z.number().int().min(1).optional().describe('Last line to read, inclusive (default: the end, at most 400 lines after fromLine).'),
    }),
    run: async (input, env) => {
      const root = await readRoot(env);
      const results = input.paths.map((path) => {
        try {
          return numberedRead(path, readRegularText(resolveInWorkspace(root, path), path), input.fromLine, input.toLine);
        } catch (error) {
          return { path, error: error instanceof Error ? error.message : String(error) };
        }
      });
      await recordCoverage(env, 'read_files', results.filter((entry) => !('error' in entry)).map((entry) => entry.path as string));
      return results;
    },
  }),
  defineTool({
    name: 'grep',
    description: 'Search workspace files for a regular expression (RE2 syntax: no backreferences or lookaround); returns path:line matches (at most `limit`), and says when it stopped at the limit.',
    input: z.strictObject({
      pattern: z.string().min(1).max(500).describe('Regular expression (RE2 syntax), matched against each line.'),
      folder: folderField,
      limit: z.number().int().min(1).max(1000).optional().describe('Most matches to return (default 100).'),
    }),
    run: async (input, env) => {
      const limit = input.limit ?? 100;
      const { matches, cut } = await grepWorkspace(compileLinearPattern(input.pattern), env.workspace, input.folder, limit, env.signal);
      await recordCoverage(env, 'grep', [`grep ${input.pattern} in ${input.folder ?? '.'}`]);
      return cut ? { matches, cut, note: `stopped at ${limit} matches: narrow the pattern or the folder` } : { matches, cut };
    },
  }),
];
