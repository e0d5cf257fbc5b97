import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type RunPaths, runPaths } from '../core/run-paths.js';
import { type RunRecord, readRunRecord } from '../orchestrator/run-config.js';
import { type CollectiveStore, openStore } from '../store/index.js';
import { CliError } from './cli-error.js';

/** The default run directory: `.tachikoma/` under the workspace (or the current folder). */
export function defaultRunDirectory(workspace: string = process.cwd()): string {
  return resolve(workspace, '.tachikoma');
}

export interface OpenedRun {
  paths: RunPaths;
  record: RunRecord | null;
  store: CollectiveStore;
}

/** Opens an existing run's store for a read or send command; a missing run is one clear error. */
export async function openExistingRun(runDirectory: string | undefined, storeSpec?: string): Promise<OpenedRun> {
  const paths = runPaths(runDirectory ?? defaultRunDirectory());
  const record = existsSync(paths.runFile) ? readRunRecord(paths.runFile) : null;
  const spec = storeSpec ?? record?.store ?? undefined;
  if (spec === undefined && !existsSync(paths.store)) {
    throw new CliError(`no run in ${paths.root} (no collective.db); start one with \`tachikoma run\` or pass --run-dir`);
  }
  return { paths, record, store: await openStore(spec, paths.store) };
}

/** Throws a clear error unless `instanceId` is an instance of the run. */
export async function requireKnownInstance(store: CollectiveStore, instanceId: string): Promise<void> {
  const instances = await store.listInstances();
  if (!instances.some((record) => record.id === instanceId)) {
    const known = instances.map((record) => record.id).join(', ');
    throw new CliError(`unknown instance ${JSON.stringify(instanceId)}; this run has ${known === '' ? 'no instances' : known}`);
  }
}
