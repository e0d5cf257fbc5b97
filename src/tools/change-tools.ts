import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { parseAllowedCommand, runArgv } from '../workspace/allowed-command.js';
import { allowedCommands } from '../workspace/change-settings.js';
import { resolveForWrite, resolveInWorkspace } from '../workspace/workspace-path.js';
import { changeRoot } from './instance-root.js';
import { type ToolDefinition, defineTool } from './tool-definition.js';

const MAX_WRITE_BYTES = 1024 * 1024;
const COMMAND_TIMEOUT_MS = 120_000;
const MAX_COMMAND_OUTPUT = 64 * 1024;

const pathSchema = z.string().min(1).max(1000).describe('File path relative to the workspace (your own worktree when you are a builder).');

/** Changing code: exact edits, whole-file writes and allowlisted commands, all in the instance's own worktree. */
export const CHANGE_TOOLS: readonly ToolDefinition[] = [
  defineTool({
    name: 'edit_file',
    description: 'Replace one exact, unique occurrence of `old` with `new` in a file of your worktree (include enough context to make `old` unique).',
    input: z.strictObject({
      path: pathSchema,
      old: z.string().min(1).max(MAX_WRITE_BYTES).describe('The exact text to replace; it must occur exactly once in the file.'),
      new: z.string().max(MAX_WRITE_BYTES).describe('The text that replaces it.'),
    }),
    run: async (input, env) => {
      const root = await changeRoot(env);
      const absolute = resolveInWorkspace(root, input.path);
      const text = readFileSync(absolute, 'utf8');
      const first = text.indexOf(input.old);
      if (first < 0) throw new Error(`the text to replace is not in ${input.path}; read the file and copy the exact text`);
      if (text.indexOf(input.old, first + 1) >= 0) throw new Error(`the text to replace occurs more than once in ${input.path}; include more surrounding lines so it is unique`);
      const updated = text.slice(0, first) + input.new + text.slice(first + input.old.length);
      resolveForWrite(root, input.path);
      await writeFileAtomic(absolute, updated);
      return { path: input.path, line: text.slice(0, first).split('\n').length, bytes: Buffer.byteLength(updated) };
    },
  }),
  defineTool({
    name: 'write_file',
    description: 'Create a file in your worktree, or replace its whole content (folders are created as needed).',
    input: z.strictObject({
      path: pathSchema,
      content: z.string().refine((text) => Buffer.byteLength(text) <= MAX_WRITE_BYTES, 'content over 1 MiB').describe('The whole new content of the file (at most 1 MiB).'),
    }),
    run: async (input, env) => {
      const root = await changeRoot(env);
      const absolute = resolveForWrite(root, input.path);
      await mkdir(dirname(absolute), { recursive: true });
      await writeFileAtomic(absolute, input.content);
      return { path: relative(root, absolute).split('\\').join('/'), bytes: Buffer.byteLength(input.content) };
    },
  }),
  defineTool({
    name: 'run_command',
    description: "Run one command from the run's allowlist (e.g. the tests) in your worktree, without a shell: no ;, &&, |, redirects or $( ). Returns exit code and output (capped).",
    input: z.strictObject({
      command: z.string().min(1).max(2000).describe('One command from the run\'s allowlist, e.g. "npm test"; no ;, &&, |, redirects or $(…).'),
      folder: z.string().max(1000).optional().describe('Folder to run it in, relative to your worktree (default: its root).'),
    }),
    run: async (input, env) => {
      // Refused before any worktree is made; paths in it are relative to the worktree (an absolute one is refused).
      const argv = parseAllowedCommand(input.command, allowedCommands(env.changes));
      const root = await changeRoot(env);
      const cwd = resolveInWorkspace(root, input.folder ?? '.');
      return runArgv(argv, { cwd, timeoutMs: COMMAND_TIMEOUT_MS, maxOutputBytes: MAX_COMMAND_OUTPUT, signal: env.signal });
    },
  }),
];
