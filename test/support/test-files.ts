import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { parseJsonRecord } from '../../src/protocol/index.js';

/** A fresh directory under the OS temp dir; `remove()` deletes it and everything in it. */
export interface TempDir {
  readonly path: string;
  file(name: string): string;
  remove(): void;
}

export function createTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `tachikoma-${prefix}-`));
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/**
 * Parses every complete line of a JSON-lines file with `schema` (a missing file has none). A last line
 * without its newline is left out: a writer killed mid-append never finished reporting it.
 */
export function readJsonLines<S extends z.ZodType>(path: string, schema: S): Array<z.output<S>> {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, index) => parseJsonRecord(schema, line, `${path} line ${index + 1}`));
}

/** Polls `check` every 20 ms until it returns true; throws naming `what` after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
