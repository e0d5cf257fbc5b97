import type { DashboardServer } from '../../dashboard/server/serve-dashboard.js';
import type { RunInfo } from '../../dashboard/view-model/wire.js';
import type { RunPaths } from '../../core/run-paths.js';
import type { RunRecord } from '../../orchestrator/run-config.js';
import { type CollectiveStore, openStore } from '../../store/index.js';
import { CliError } from '../cli-error.js';
import { openExistingRun } from '../run-directory.js';

export interface DashboardFlags {
  runDir?: string;
  store?: string;
  host?: string;
  port?: string;
  json?: boolean;
}

export function parsePort(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`${flag} takes a port number from 0 to 65535, got ${JSON.stringify(text)}`);
  return port;
}

export function runInfo(paths: RunPaths, record: RunRecord | null, storeSpec: string | null): RunInfo {
  const governor = record?.settings.governor;
  return {
    goal: record?.goal ?? null,
    workspace: record?.workspace ?? null,
    runDirectory: paths.root,
    store: storeSpec === null ? paths.store : storeSpec.startsWith('postgres') ? storeSpec.replace(/\/\/[^@/]*@/, '//…@') : storeSpec,
    budgets: governor === undefined || governor === 'off' ? null : { perInstance: governor.perInstance, collective: governor.collective },
  };
}

/** Starts a dashboard on its own connection to the run's store; closing it closes that connection too. */
export async function serveRunDashboard(options: {
  paths: RunPaths;
  record: RunRecord | null;
  storeSpec: string | null;
  host?: string;
  port?: number;
  store?: CollectiveStore;
}): Promise<DashboardServer> {
  const { startDashboard } = await import('../../dashboard/server/serve-dashboard.js');
  const store = options.store ?? (await openStore(options.storeSpec ?? undefined, options.paths.store));
  try {
    const server = await startDashboard({
      store,
      run: runInfo(options.paths, options.record, options.storeSpec),
      logPath: options.paths.instanceLog,
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
    return {
      ...server,
      close: async () => {
        await server.close();
        if (options.store === undefined) await store.close();
      },
    };
  } catch (error) {
    if (options.store === undefined) await store.close();
    throw new CliError((error as Error).message);
  }
}

/** `tachikoma dashboard`: serves the dashboard of an existing run (live or finished) until Ctrl-C. */
export async function dashboardCommand(flags: DashboardFlags): Promise<number> {
  const port = parsePort(flags.port, '--port');
  const { paths, record, store } = await openExistingRun(flags.runDir, flags.store);
  const server = await serveRunDashboard({
    paths,
    record,
    storeSpec: flags.store ?? record?.store ?? null,
    store,
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(port === undefined ? {} : { port }),
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  process.stdout.write(flags.json === true ? `${JSON.stringify({ type: 'dashboard', url: server.url })}\n` : `dashboard: ${server.url}  (Ctrl-C stops)\n`);
  if (server.token !== null && flags.json !== true) process.stdout.write('the token in that address is needed on every request; keep it private\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  await store.close();
  return 0;
}
