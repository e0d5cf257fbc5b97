import { spawn } from 'node:child_process';
import { TachikomaError } from '../core/errors.js';

export type CommandErrorCode = 'not_allowed' | 'shell_syntax';

/** A command refused before it ran: off the allowlist, or using shell syntax (chaining, pipes, redirects, substitution). */
export class CommandRefusedError extends TachikomaError<CommandErrorCode> {
  static override readonly kind = 'CommandRefusedError';
  constructor(message: string, code: CommandErrorCode) {
    super(code, message);
  }
}

/** Shell syntax that would chain, pipe, redirect or substitute: no shell runs the command, so it is refused outright. */
const SHELL_SYNTAX = /[;&|`<>\n\r]|\$\(|\$\{/;

/** Splits a command line into words: whitespace separates, '…' and "…" group (no expansion of any kind). */
function words(line: string): string[] {
  const found = line.match(/"[^"]*"|'[^']*'|[^\s"']+/g) ?? [];
  return found.map((word) => (/^(["']).*\1$/.test(word) ? word.slice(1, -1) : word));
}

/**
 * The argument vector of `line` when it starts with the words of an allowlisted command (so "npm test" allows
 * "npm test -- --grep x" but not "npm install"); a CommandRefusedError otherwise.
 */
export function parseAllowedCommand(line: string, allowlist: readonly string[]): string[] {
  if (SHELL_SYNTAX.test(line)) {
    throw new CommandRefusedError(`refused: ${JSON.stringify(line)} uses shell syntax (; && || | \` $( redirects); run one allowlisted command at a time`, 'shell_syntax');
  }
  const argv = words(line.trim());
  const allowed = allowlist.some((entry) => {
    const prefix = words(entry);
    return prefix.length > 0 && prefix.every((word, index) => argv[index] === word);
  });
  if (!allowed || argv.length === 0) {
    throw new CommandRefusedError(`refused: ${JSON.stringify(line)} is not on this run's command allowlist (${allowlist.join(', ')}); the config's "commands" sets it`, 'not_allowed');
  }
  return argv;
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
