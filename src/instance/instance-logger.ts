import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** A structured JSON-lines logger writing to `path` (one stream per instance); `tachikoma logs` pretty-prints it. */
export function createFileLogger(path: string, bindings: Record<string, unknown>): Logger {
  mkdirSync(dirname(path), { recursive: true });
  const destination = pino.destination({ dest: path, sync: true, mkdir: true });
  return pino({ base: bindings, timestamp: pino.stdTimeFunctions.isoTime, level: process.env.TACHIKOMA_LOG_LEVEL ?? 'info' }, destination);
}
