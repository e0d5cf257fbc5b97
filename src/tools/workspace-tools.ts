import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { walkWorkspace } from '../workspace/walk-workspace.js';
import { resolveInWorkspace } from '../workspace/workspace-path.js';
import { readRoot } from './instance-root.js';
import { type ToolDefinition, defineTool } from './tool-definition.js';

const MAX_FILE_BYTES = 256 * 1024;

/** Files under a workspace folder (checked to be inside it), through the one workspace walker. */
function filesUnder(workspace: string, folder: string | undefined, limit: number): string[] {
  const start = relative(resolveInWorkspace(workspace, '.'), resolveInWorkspace(workspace, folder ?? '.')).split('\\').join('/');
  return walkWorkspace(workspace, { limit, folder: start }).files;
}

/** Reading the workspace: list, read and grep, confined to the workspace root. */
export const WORKSPACE_TOOLS: readonly ToolDefinition[] = [
  defineTool({
    name: 'list_files',
    description: 'List files under a folder of the workspace (skips node_modules, .git, dist and hidden folders).',
    input: z.strictObject({ folder: z.string().max(1000).optional(), limit: z.number().int().min(1).max(5000).optional() }),
    run: async (input, env) => filesUnder(await readRoot(env), input.folder, input.limit ?? 1000),
  }),
  defineTool({
    name: 'read_files',
    description: 'Read up to 50 workspace files (text, at most 256 KiB each), optionally a line range of each.',
    input: z.strictObject({
      paths: z.array(z.string().min(1).max(1000)).min(1).max(50),
      fromLine: z.number().int().min(1).optional(),
      toLine: z.number().int().min(1).optional(),
    }),
    run: async (input, env) => {
      const root = await readRoot(env);
      return input.paths.map((path) => {
        try {
          const absolute = resolveInWorkspace(root, path);
          if (statSync(absolute).size > MAX_FILE_BYTES) return { path, error: `larger than ${MAX_FILE_BYTES} bytes; read a line range with grep first` };
          const lines = readFileSync(absolute, 'utf8').split('\n');
          const from = input.fromLine ?? 1;
          const to = Math.min(input.toLine ?? lines.length, lines.length);
          return { path, fromLine: from, lines: lines.slice(from - 1, to), totalLines: lines.length };
        } catch (error) {
          return { path, error: error instanceof Error ? error.message : String(error) };
        }
      });
    },
  }),
  defineTool({
    name: 'grep',
    description: 'Search workspace files for a regular expression; returns path:line matches (at most `limit`).',
    input: z.strictObject({ pattern: z.string().min(1).max(500), folder: z.string().max(1000).optional(), limit: z.number().int().min(1).max(1000).optional() }),
    run: async (input, env) => {
      let regex: RegExp;
      try {
        regex = new RegExp(input.pattern);
      } catch (error) {
        throw new Error(`invalid pattern: ${(error as Error).message}`);
      }
      const workspace = await readRoot(env);
      const root = resolveInWorkspace(workspace, '.');
      const files = filesUnder(workspace, input.folder, 5000);
      const limit = input.limit ?? 100;
      const matches: Array<{ at: string; line: string }> = [];
      for (const file of files) {
        if (matches.length >= limit) break;
        const absolute = join(root, file);
        if (statSync(absolute).size > MAX_FILE_BYTES) continue;
        const lines = readFileSync(absolute, 'utf8').split('\n');
        lines.forEach((line, index) => {
          if (matches.length < limit && regex.test(line)) matches.push({ at: `${file}:${index + 1}`, line: line.slice(0, 300) });
        });
      }
      return matches;
    },
  }),
];
