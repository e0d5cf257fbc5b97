import { statSync } from 'node:fs';
import { type CollectiveStore, isPostgresSpec } from '../store/index.js';

/** The SQLite file a `--store` value names (see openStore), or null for PostgreSQL. */
export function sqliteFileOf(spec: string | null, defaultPath: string): string | null {
  if (spec === null || spec === '' || spec === 'sqlite') return defaultPath;
  if (isPostgresSpec(spec)) return null;
  return spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
}

function refusal(where: string, why: string): Error {
  return new Error(
    `cannot resume: the run's store ${where} ${why}, though run.json says the run exists; nothing was changed (restore the store, or start a new run with another --run-dir)`,
  );
}

/**
 * Before a resume opens the store: a SQLite file that is missing or empty would be created afresh, and the
 * new, empty store would then overwrite the run's JSON views. Throws a one-line error instead.
 */
export function checkResumableFile(spec: string | null, defaultPath: string): void {
  const file = sqliteFileOf(spec, defaultPath);
  if (file === null) return;
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw refusal(file, 'is missing');
  }
  if (size === 0) throw refusal(file, 'is empty');
}

/** After a resume opened the store: one that holds no instance was not this run's (a new schema, a wiped database). */
export async function checkResumableStore(store: CollectiveStore): Promise<void> {
  if ((await store.listInstances()).length === 0) throw refusal(store.location, 'holds no instance');
}
