import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import logUpdate from 'log-update';
import { BRAIN_KINDS } from '../../brain/create-brain.js';
import { runPaths } from '../../instance/run-paths.js';
import type { OrchestratorEvent } from '../../orchestrator/orchestrator-events.js';
import { type LiveRun, runCollective } from '../../orchestrator/run-collective.js';
import { DEFAULT_GOAL, DEFAULT_SETTINGS, loadConfigFile, planInstances, readRunRecord } from '../../orchestrator/run-config.js';
import { CliError } from '../cli-error.js';
import { formatEvent } from '../format-event.js';
import { defaultRunDirectory } from '../run-directory.js';
import { renderInstanceTable } from '../status-table.js';

export interface RunFlags {
  instances?: string;
  workspace?: string;
  runDir?: string;
  goal?: string;
  untilDone?: boolean;
  dashboard?: boolean;
  brain?: string;
  store?: string;
  config?: string;
  resume?: boolean;
  timeout?: string;
  json?: boolean;
  baseUrl?: string;
  model?: string;
}

function parseCount(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > 32) throw new CliError(`--instances must be a whole number from 1 to 32, got ${JSON.stringify(text)}`);
  return count;
}

function parseSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError(`--timeout takes a number of seconds, got ${JSON.stringify(text)}`);
  return Math.round(seconds * 1000);
}

/** `tachikoma run`: starts (or resumes) a collective and supervises it until it stops. */
export async function runCommand(flags: RunFlags): Promise<number> {
  const workspace = resolve(flags.workspace ?? process.cwd());
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) throw new CliError(`workspace ${workspace} is not a folder`);
  const config = loadConfigFile(workspace, flags.config === undefined ? undefined : resolve(flags.config));
  const runDirectory = resolve(flags.runDir ?? config.runDir ?? defaultRunDirectory(workspace));
  const brain = flags.brain ?? config.brain ?? 'heuristic';
  if (!(BRAIN_KINDS as readonly string[]).includes(brain)) throw new CliError(`unknown brain ${JSON.stringify(brain)}; choose one of ${BRAIN_KINDS.join(', ')}`);
  if (flags.baseUrl !== undefined || flags.model !== undefined) {
    throw new CliError('--base-url and --model configure the LLM brains, which are not part of this build yet');
  }
  const settings = { ...DEFAULT_SETTINGS, ...Object.fromEntries(Object.entries(config).filter(([key]) => key in DEFAULT_SETTINGS)) };
  const record = flags.resume === true && existsSync(runPaths(runDirectory).runFile) ? readRunRecord(runPaths(runDirectory).runFile) : null;
  const instances = record?.instances ?? planInstances(parseCount(flags.instances, config.instances ?? 3), config, brain, config.brainOptions ?? {});
  const timeoutMs = parseSeconds(flags.timeout);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const display = createDisplay(flags.json === true ? 'json' : process.stdout.isTTY ? 'tty' : 'lines', flags.dashboard !== false);
  try {
    const state = await runCollective({
      runDirectory,
      workspace: record?.workspace ?? workspace,
      goal: record?.goal ?? flags.goal ?? config.goal ?? DEFAULT_GOAL,
      instances,
      store: record?.store ?? flags.store ?? config.store ?? null,
      settings: record?.settings ?? settings,
      resume: flags.resume === true,
      untilDone: flags.untilDone === true,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      onEvent: display.event,
      onReady: display.ready,
      signal: controller.signal,
    });
    return state === 'crashed' ? 1 : 0;
  } catch (error) {
    if (error instanceof Error && !CliError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    display.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface Display {
  event: (event: OrchestratorEvent) => void;
  ready: (live: LiveRun) => void;
  close: () => void;
}

function createDisplay(mode: 'json' | 'tty' | 'lines', wantsDashboard: boolean): Display {
  if (mode === 'json') {
    return { event: (event) => process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...event })}\n`), ready: () => undefined, close: () => undefined };
  }
  if (mode === 'lines') {
    return { event: (event) => process.stdout.write(`${new Date().toISOString()} ${formatEvent(event)}\n`), ready: () => undefined, close: () => undefined };
  }
  let timer: NodeJS.Timeout | undefined;
  let live: LiveRun | undefined;
  const recent: string[] = [];
  const render = async (): Promise<void> => {
    if (live === undefined) return;
    const instances = await live.store.listInstances();
    const header = `Tachikoma · ${instances.length} instances · ${live.messagesPerSecond().toFixed(1)} msg/s · ${wantsDashboard ? 'dashboard: not in this build' : 'no dashboard'} · Ctrl-C stops`;
    logUpdate([header, renderInstanceTable(instances), ...recent.slice(-6)].join('\n'));
  };
  return {
    event: (event) => {
      recent.push(`${new Date().toLocaleTimeString()} ${formatEvent(event)}`);
      if (event.type === 'run_stopped' || event.type === 'instance_gave_up') {
        logUpdate.clear();
        process.stdout.write(`${formatEvent(event)}\n`);
      }
    },
    ready: (running) => {
      live = running;
      timer = setInterval(() => void render().catch(() => undefined), 1000);
    },
    close: () => {
      clearInterval(timer);
      logUpdate.done();
    },
  };
}
