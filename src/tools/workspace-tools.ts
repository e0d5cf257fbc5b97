import { join, relative } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { z } from 'zod';
import { walkWorkspace } from '../workspace/walk-workspace.js';
import { readRegularText } from '../workspace/read-regular-text.js';
import { resolveInWorkspace } from '../workspace/workspace-path.js';
import { recordCoverage } from './coverage.js';
import { type LinearPattern, compileLinearPattern } from './linear-pattern.js';
import { readRoot } from './instance-root.js';
import { READ_FILES_TOOL } from './read-files.js';
import { type ToolDefinition, defineTool } from './tool-definition.js';

/** Files under a workspace folder (checked to be inside it), through the one workspace walker; `cut` when more were left. */
function filesUnder(workspace: string, folder: string | undefined, limit: number): { files: string[]; cut: boolean } {
  const start = relative(resolveInWorkspace(workspace, '.'), resolveInWorkspace(workspace, folder ?? '.')).split('\\').join('/');
  return walkWorkspace(workspace, { limit, folder: start });
}

const folderField = z.string().max(1000).optional().describe('Folder of the workspace, relative to its root (default: the whole workspace).');

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
  READ_FILES_TOOL,
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
      const { matches, cut } = await grepWorkspace(compileLinearPattern(input.pattern), await readRoot(env), input.folder, limit, env.signal);
      await recordCoverage(env, 'grep', [`grep ${input.pattern} in ${input.folder ?? '.'}`]);
      return cut ? { matches, cut, note: `stopped at ${limit} matches: narrow the pattern or the folder` } : { matches, cut };
    },
  }),
];
