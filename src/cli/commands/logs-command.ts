import { createReadStream, existsSync, readdirSync, statSync, watch } from 'node:fs';
import { createInterface } from 'node:readline';
import { prettyFactory } from 'pino-pretty';
import { z } from 'zod';
import { runPaths } from '../../core/run-paths.js';
import { CliError } from '../cli-error.js';
import { defaultRunDirectory } from '../run-directory.js';
import { hasColour } from '../colour.js';

export interface LogsFlags {
  runDir?: string;
  follow?: boolean;
  json?: boolean;
  lines?: string;
}

const logLineSchema = z.looseObject({ time: z.string().optional(), instance: z.string().optional() });

/** Reads the complete lines of a file from byte `from`; returns them and the new offset. */
async function readLines(path: string, from: number): Promise<{ lines: string[]; offset: number }> {
  const size = statSync(path).size;
  if (size <= from) return { lines: [], offset: size < from ? 0 : from };
  const lines: string[] = [];
  const reader = createInterface({ input: createReadStream(path, { start: from, end: size - 1 }) });
  for await (const line of reader) lines.push(line);
  return { lines, offset: size };
}

/** `tachikoma logs [instance] [--follow]`: instance logs, pretty in a terminal, raw JSON lines with --json. */
export async function logsCommand(instance: string | undefined, flags: LogsFlags): Promise<number> {
  const paths = runPaths(flags.runDir ?? defaultRunDirectory());
  if (!existsSync(paths.logs)) throw new CliError(`no logs in ${paths.root}; start a run with \`tachikoma run\` or pass --run-dir`);
  const available = readdirSync(paths.logs).filter((name) => name.endsWith('.log') && !name.endsWith('.stderr.log')).map((name) => name.slice(0, -4));
  if (instance !== undefined && !available.includes(instance)) {
    throw new CliError(`unknown instance ${JSON.stringify(instance)}; logs exist for ${available.join(', ') || 'no instance'}`);
  }
  const files = (instance === undefined ? available : [instance]).map((id) => paths.instanceLog(id));
  const limit = flags.lines === undefined ? 50 : Number(flags.lines);
  if (!Number.isInteger(limit) || limit < 0) throw new CliError('--lines must be a whole number');
  const pretty = prettyFactory({ colorize: hasColour(), translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  const show = (line: string): void => {
    if (flags.json === true) {
      process.stdout.write(`${line}\n`);
      return;
    }
    try {
      process.stdout.write(pretty(logLineSchema.parse(JSON.parse(line))));
    } catch {
      process.stdout.write(`${line}\n`);
    }
  };
  const offsets = new Map<string, number>();
  const initial: Array<{ time: string; line: string }> = [];
  for (const file of files) {
    const { lines, offset } = await readLines(file, 0);
    offsets.set(file, offset);
    for (const line of lines) {
      const parsed = logLineSchema.safeParse((() => { try { return JSON.parse(line) as unknown; } catch { return null; } })());
      initial.push({ time: parsed.success ? parsed.data.time ?? '' : '', line });
    }
  }
  initial.sort((a, b) => a.time.localeCompare(b.time));
  for (const entry of initial.slice(-limit)) show(entry.line);
  if (flags.follow !== true) return 0;
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      watcher.close();
      resolve();
    };
    const watcher = watch(paths.logs, () => {
      for (const file of files) {
        if (!existsSync(file)) continue;
        void readLines(file, offsets.get(file) ?? 0).then(({ lines, offset }) => {
          offsets.set(file, offset);
          for (const line of lines) show(line);
        });
      }
    });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
