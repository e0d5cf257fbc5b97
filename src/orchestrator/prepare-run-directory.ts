import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The nearest folder of `path` (itself or a parent) that exists. */
function nearestExisting(path: string): string {
  let probe = path;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  return probe;
}

/**
 * Creates the run folder and its logs folder, or throws one line saying which folder cannot be written and why.
 * (On a read-only file system `mkdir -p` reports ENOENT for the folder it could not create, which says nothing
 * about the cause; the nearest existing folder is asked instead.)
 */
export function prepareRunDirectory(root: string, logs: string): void {
  try {
    mkdirSync(logs, { recursive: true });
    accessSync(root, constants.W_OK);
  } catch (error) {
    const existing = nearestExisting(logs);
    let why = reasonOf(error);
    try {
      accessSync(existing, constants.W_OK);
    } catch (access) {
      why = reasonOf(access);
    }
    throw new Error(`cannot write the run folder ${root}: ${existing} is not writable (${why}); choose another --run-dir`);
  }
}
