import { parseArgs } from 'node:util';
import { CliError } from './cli-error.js';
import { reportKnownFailure } from './report-failure.js';
import { type InstanceFlags, instanceCommand } from './commands/instance-command.js';

/** The flags of `tachikoma instance`, by their names on the command line. */
const INSTANCE_OPTIONS = {
  id: { type: 'string' },
  role: { type: 'string' },
  'run-dir': { type: 'string' },
  workspace: { type: 'string', short: 'w' },
  goal: { type: 'string', short: 'g' },
  brain: { type: 'string' },
  'brain-options': { type: 'string' },
  store: { type: 'string' },
  'heartbeat-ms': { type: 'string' },
  'idle-check-ms': { type: 'string' },
  'lease-ms': { type: 'string' },
  governor: { type: 'string' },
  wake: { type: 'string' },
} as const;

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** Reads the `tachikoma instance` flags from `argv` (no command name); a bad command line is a CliError. */
export function parseInstanceFlags(argv: readonly string[]): InstanceFlags {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: INSTANCE_OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 2);
  }
  const flags: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) if (value !== undefined) flags[camelCase(name)] = value;
  const { id, role } = flags;
  if (id === undefined) throw new CliError("required option '--id <id>' not specified", 2);
  if (role === undefined) throw new CliError("required option '--role <role>' not specified", 2);
  return { ...flags, id, role };
}

/**
 * The instance process without the rest of the CLI: what the orchestrator starts (through its bundled build),
 * taking the same flags as `tachikoma instance` and failing the same way (one line, non-zero exit).
 */
export async function instanceMain(argv: readonly string[]): Promise<number> {
  try {
    return await instanceCommand(parseInstanceFlags(argv));
  } catch (error) {
    const code = reportKnownFailure(error);
    if (code !== undefined) return code;
    throw error;
  }
}
