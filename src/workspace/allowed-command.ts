import { spawn } from 'node:child_process';
import { isAbsolute, relative, resolve } from 'node:path';
import { TachikomaError } from '../core/errors.js';

export type CommandErrorCode = 'not_allowed' | 'shell_syntax' | 'outside';

/** A command refused before it ran: off the allowlist, or using shell syntax (chaining, pipes, redirects, substitution). */
export class CommandRefusedError extends TachikomaError<CommandErrorCode> {
  static override readonly kind = 'CommandRefusedError';
  constructor(message: string, code: CommandErrorCode) {
    super(code, message);
  }
}

/**
 * Shell syntax that would chain, pipe, redirect, substitute, expand or escape. run_command runs no shell, but
 * the claude-agent brain's Bash does: one set refused for both, so an allowlisted command is exactly one command.
 */
const SHELL_SYNTAX = /[;&|`<>\n\r$(){}\\~]/;

/** Splits a command line into words: whitespace separates, '…' and "…" group (no expansion of any kind). */
function words(line: string): string[] {
  const found = line.match(/"[^"]*"|'[^']*'|[^\s"']+/g) ?? [];
  return found.map((word) => (/^(["']).*\1$/.test(word) ? word.slice(1, -1) : word));
}

/** The first word of `argv` naming a path out of `root`: a ".." step, or an absolute path elsewhere (none allowed without a root). */
function pathOutside(argv: readonly string[], root: string | undefined): string | undefined {
  return argv.find((word) => word.split('=').some((part) => {
    if (part.split(/[\\/]/).includes('..')) return true;
    if (!isAbsolute(part)) return false;
    if (root === undefined) return true;
    const inside = relative(resolve(root), resolve(part));
    return inside.startsWith('..') || isAbsolute(inside);
  }));
}

/**
 * The argument vector of `line` when it starts with the words of an allowlisted command (so "npm test" allows
 * "npm test -- --grep x" but not "npm install") and names no path out of `root` (the folder it runs in); a
 * CommandRefusedError otherwise, whose one-line message is the same whichever brain asked.
 */
export function parseAllowedCommand(line: string, allowlist: readonly string[], root?: string): string[] {
  if (SHELL_SYNTAX.test(line)) {
    throw new CommandRefusedError(`refused: ${JSON.stringify(line)} uses shell syntax (; & | \` $ ( ) { } \\ ~ < > or a newline); run one allowlisted command at a time`, 'shell_syntax');
  }
  const argv = words(line.trim());
  const allowed = allowlist.map(words).find((prefix) => prefix.length > 0 && prefix.every((word, index) => argv[index] === word));
  if (allowed === undefined || argv.length === 0) {
    throw new CommandRefusedError(`refused: ${JSON.stringify(line)} is not on this run's command allowlist (${allowlist.join(', ') || 'empty'}); the config's "changes.commands" sets it`, 'not_allowed');
  }
  // The allowlisted words themselves may name a program by its path; what follows them may not leave the folder.
  const outside = pathOutside(argv.slice(allowed.length), root);
  if (outside !== undefined) {
    throw new CommandRefusedError(`refused: ${JSON.stringify(line)} names ${JSON.stringify(outside)}, outside the folder it runs in; commands stay in your worktree`, 'outside');
  }
  return argv;
}

/** Why `line` is refused under `allowlist` in `root` (the message parseAllowedCommand throws), or null when it may run. */
export function commandRefusal(line: string, allowlist: readonly string[], root?: string): string | null {
  try {
    parseAllowedCommand(line, allowlist, root);
    return null;
  } catch (error) {
    if (CommandRefusedError.isInstance(error)) return error.message;
    throw error;
  }
}

/** What a command did: exit code (null when killed), whether it timed out, its output capped at `maxOutputBytes`. */
export interface CommandOutcome {
  exitCode: number | null;
  timedOut: boolean;
  output: string;
  truncated: boolean;
}

/** Runs an argument vector without a shell in `cwd`, killing it after `timeoutMs` or on `signal`; output capped. */
export function runArgv(argv: readonly string[], options: { cwd: string; timeoutMs: number; maxOutputBytes: number; signal?: AbortSignal }): Promise<CommandOutcome> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new CommandRefusedError('refused: empty command', 'not_allowed'));
  return new Promise((resolvePromise) => {
    const child = spawn(file, args, { cwd: options.cwd, shell: false, stdio: ['ignore', 'pipe', 'pipe'], ...(options.signal === undefined ? {} : { signal: options.signal }) });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    const collect = (chunk: Buffer): void => {
      if (size >= options.maxOutputBytes) {
        truncated = true;
        return;
      }
      chunks.push(chunk.subarray(0, options.maxOutputBytes - size));
      truncated ||= chunk.length > options.maxOutputBytes - size;
      size += Math.min(chunk.length, options.maxOutputBytes - size);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const done = (exitCode: number | null, extra = ''): void => {
      clearTimeout(timer);
      resolvePromise({ exitCode, timedOut, output: Buffer.concat(chunks).toString('utf8') + extra, truncated });
    };
    child.once('error', (error) => done(null, `\n${error.message}`));
    child.once('close', (code) => done(code));
  });
}
