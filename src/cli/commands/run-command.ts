import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BrainError } from '../../brain/brain-error.js';
import { BRAINS, BRAIN_KINDS, brainEntry, checkBrainConfig, usesModel } from '../../brain/registry.js';
import { governorFromFlags } from './governor-flags.js';
import { unpricedModels } from './unpriced-models.js';
import { runPaths } from '../../core/run-paths.js';
import type { OrchestratorEvent } from '../../orchestrator/orchestrator-events.js';
import { type LiveRun, runCollective } from '../../orchestrator/run-collective.js';
import { type ConfigFile, DEFAULT_GOAL, DEFAULT_SETTINGS, type InstanceSpec, type RunRecord, loadConfigFile, planInstances, readRunRecord, runPlanProblems } from '../../orchestrator/run-config.js';
import { startRunTrace } from '../../telemetry/run-trace.js';
import { environmentNotes } from '../environment-notes.js';
import type { ChangeSettings } from '../../workspace/change-settings.js';
import { CliError } from '../cli-error.js';
import { formatEvent } from '../format-event.js';
import { defaultRunDirectory } from '../run-directory.js';
import type { DashboardServer } from '../../dashboard/server/serve-dashboard.js';
import { parsePort, serveRunDashboard } from './dashboard-command.js';

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
  maxTurns?: string;
  maxTokens?: string;
  maxCost?: string;
  maxCalls?: string;
  callsPerMinute?: string;
  /** false with --no-governor. */
  governor?: boolean;
  dashboardPort?: string;
  dashboardHost?: string;
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

/**
 * Checks every instance's brain configuration (keys, models) before anything is spawned: one line, not a
 * crash loop. The instance is named only when the config mixes brains or options per instance.
 */
async function checkBrains(instances: readonly InstanceSpec[], flags: RunFlags): Promise<void> {
  if (!instances.some((spec) => brainEntry(spec.brain).takesModel) && (flags.model !== undefined || flags.baseUrl !== undefined)) {
    const modelBrains = BRAIN_KINDS.filter((kind) => BRAINS[kind].takesModel);
    throw new CliError(`--model and --base-url configure the model brains (${modelBrains.join(', ')}); add --brain to choose one`);
  }
  const mixed = new Set(instances.map((spec) => `${spec.brain} ${JSON.stringify(spec.brainOptions)}`)).size > 1;
  for (const spec of instances) {
    try {
      await checkBrainConfig(spec.brain, spec.brainOptions, process.env);
    } catch (error) {
      if (BrainError.isInstance(error)) throw new CliError(mixed ? `${spec.id}: ${error.message}` : error.message);
      throw error;
    }
  }
}

/** The config's change settings (command allowlist, writing in place, review quorum), when it sets any. */
function changeSettingsFromConfig(config: ConfigFile): { changes?: ChangeSettings } {
  const changes: ChangeSettings = {
    ...(config.commands === undefined ? {} : { commands: config.commands }),
    ...(config.allowWriteInPlace === undefined ? {} : { allowWriteInPlace: config.allowWriteInPlace }),
    ...(config.reviewQuorum === undefined ? {} : { reviewQuorum: config.reviewQuorum }),
  };
  return Object.keys(changes).length === 0 ? {} : { changes };
}

/** What a run is to be: its workspace, run directory, config, the instances and settings (or the resumed run's record). */
async function planRun(flags: RunFlags) {
  const workspace = resolve(flags.workspace ?? process.cwd());
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) throw new CliError(`workspace ${workspace} is not a folder`);
  const config = loadConfigFile(workspace, flags.config === undefined ? undefined : resolve(flags.config));
  const runDirectory = resolve(flags.runDir ?? config.runDir ?? defaultRunDirectory(workspace));
  const brain = flags.brain ?? config.brain ?? 'heuristic';
  if (!(BRAIN_KINDS as readonly string[]).includes(brain)) throw new CliError(`unknown brain ${JSON.stringify(brain)}; choose one of ${BRAIN_KINDS.join(', ')}`);
  // Flags override the config's shared brainOptions; a perInstance entry still overrides both for its instance.
  const brainOptions = {
    ...(config.brainOptions ?? {}),
    ...(flags.model === undefined ? {} : { model: flags.model }),
    ...(flags.baseUrl === undefined ? {} : { baseUrl: flags.baseUrl }),
  };
  const record = flags.resume === true && existsSync(runPaths(runDirectory).runFile) ? readRunRecord(runPaths(runDirectory).runFile) : null;
  const instances = record?.instances ?? planInstances(parseCount(flags.instances, config.instances ?? 3), config, brain, brainOptions);
  await checkBrains(instances, flags);
  const governor = governorFromFlags(config.governor, flags, instances.some((spec) => usesModel(spec.brain)));
  const settings = {
    ...DEFAULT_SETTINGS,
    ...Object.fromEntries(Object.entries(config).filter(([key]) => key in DEFAULT_SETTINGS)),
    ...(governor === undefined ? {} : { governor }),
    ...(config.wake === undefined ? {} : { wake: config.wake }),
    ...changeSettingsFromConfig(config),
  };
  const problems = record === null ? runPlanProblems(settings, instances, config) : [];
  if (problems.length > 0) throw new CliError(`invalid configuration: ${problems.join('; ')}`);
  return { workspace, config, runDirectory, instances, settings, record, governor };
}

/** Starts the dashboard for a run (unless --no-dashboard), saying where it is or why it did not start. */
function startRunDashboard(flags: RunFlags, plan: { runDirectory: string; record: RunRecord | null; storeSpec: string | null }, display: ReturnType<typeof createDisplay>): Promise<DashboardServer | undefined> {
  const dashboardPort = parsePort(flags.dashboardPort, '--dashboard-port');
  const paths = runPaths(plan.runDirectory);
  return serveRunDashboard({
    paths,
    record: existsSync(paths.runFile) ? readRunRecord(paths.runFile) : null,
    storeSpec: plan.storeSpec,
    ...(flags.dashboardHost === undefined ? {} : { host: flags.dashboardHost }),
    ...(dashboardPort === undefined ? {} : { port: dashboardPort }),
  }).then(
    (server) => {
      display.dashboard(server.url, server.token !== null);
      return server;
    },
    (error: unknown) => {
      display.note(`dashboard not started: ${(error as Error).message}`);
      return undefined;
    },
  );
}

/** `tachikoma run`: starts (or resumes) a collective and supervises it until it stops. */
export async function runCommand(flags: RunFlags): Promise<number> {
  const { workspace, config, runDirectory, instances, settings, record, governor } = await planRun(flags);
  const timeoutMs = parseSeconds(flags.timeout);
  // The port is checked before anything starts: a wrong one is one line, not a run without its dashboard.
  parsePort(flags.dashboardPort, '--dashboard-port');
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  tolerateClosedOutput();
  const display = createDisplay(flags.json === true ? 'json' : process.stdout.isTTY ? 'tty' : 'lines');
  const runGovernor = record?.settings.governor ?? governor;
  for (const model of runGovernor === undefined || runGovernor === 'off' ? [] : unpricedModels(instances, runGovernor.prices, process.env)) {
    display.note(`no price known for model ${JSON.stringify(model)}: its tokens count toward the token budgets but cost $0; add it to "governor": { "prices": … } in tachikoma.config.json`);
  }
  let dashboard: Promise<DashboardServer | undefined> = Promise.resolve(undefined);
  let finished = false;
  let endState = 'crashed';
  // Traced only when the standard OTEL_* variables ask for it. The instances inherit this process's environment,
  // so the run's trace reaches them through the standard TRACEPARENT and BAGGAGE variables.
  const environment = environmentNotes(instances, process.env);
  const trace = await startRunTrace(runDirectory, instances.length, flags.resume === true);
  if (trace !== undefined) Object.assign(process.env, trace.environment);
  const startDashboard = (): void => {
    if (flags.dashboard === false || finished) return;
    dashboard = startRunDashboard(flags, { runDirectory, record, storeSpec: record?.store ?? flags.store ?? config.store ?? null }, display);
  };
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
      onEvent: (event) => {
        trace?.event(event.type, 'id' in event && typeof event.id === 'string' ? { 'tachikoma.instance': event.id } : {});
        display.event(event.type === 'run_started' && Object.keys(environment).length > 0 ? { ...event, environment } : event);
      },
      onReady: (live) => {
        display.ready(live);
        // The dashboard starts once the instances are up (or after 8 s): on a small machine its start-up would
        // otherwise compete with theirs. It reads the whole history when it starts, so nothing is missed.
        void untilInstancesUp(live, instances.length, 8000, controller.signal).then(startDashboard);
      },
      signal: controller.signal,
    });
    endState = state;
    return state === 'crashed' ? 1 : 0;
  } catch (error) {
    if (error instanceof Error && !CliError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    finished = true;
    await trace?.end(endState);
    await (await dashboard)?.close();
    display.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * The run outlives whoever reads its output: `tachikoma run | head -1` closes the pipe after one line, and the
 * write that follows fails with EPIPE. That ends the reading, not the collective. Kept for the life of the
 * process: the last lines are written after the run has ended.
 */
function tolerateClosedOutput(): void {
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  };
  process.stdout.on('error', onError);
}

const UP = new Set(['idle', 'thinking', 'writing', 'tool', 'waiting']);

/** Resolves when `count` instances are registered and past starting, after `timeoutMs`, or on abort. */
async function untilInstancesUp(live: LiveRun, count: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    const records = await live.store.listInstances().catch(() => []);
    if (records.filter((record) => UP.has(record.status)).length >= count) return;
    await new Promise((done) => setTimeout(done, 250));
  }
}

interface Display {
  event: (event: OrchestratorEvent) => void;
  ready: (live: LiveRun) => void;
  dashboard: (url: string, needsToken: boolean) => void;
  note: (text: string) => void;
  close: () => void;
}

const TOKEN_NOTE = 'the dashboard listens beyond this machine: the token in its address is needed on every request; keep it private';

interface TableUi {
  logUpdate: (typeof import('log-update'))['default'];
  renderInstanceTable: (typeof import('../status-table.js'))['renderInstanceTable'];
}

/** The live table's modules, loaded only in a terminal: a `--json` or piped run starts faster without them. */
async function loadTableUi(): Promise<TableUi> {
  const [{ default: logUpdate }, { renderInstanceTable }] = await Promise.all([import('log-update'), import('../status-table.js')]);
  return { logUpdate, renderInstanceTable };
}

function createDisplay(mode: 'json' | 'tty' | 'lines'): Display {
  if (mode === 'json') {
    const line = (record: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`);
    return {
      event: (event) => line(event),
      ready: () => undefined,
      dashboard: (url) => line({ type: 'dashboard', url }),
      note: (text) => line({ type: 'note', text }),
      close: () => undefined,
    };
  }
  if (mode === 'lines') {
    const line = (text: string): void => void process.stdout.write(`${new Date().toISOString()} ${text}\n`);
    return {
      event: (event) => line(formatEvent(event)),
      ready: () => undefined,
      dashboard: (url, needsToken) => {
        line(`dashboard: ${url}`);
        if (needsToken) line(TOKEN_NOTE);
      },
      note: line,
      close: () => undefined,
    };
  }
  let timer: NodeJS.Timeout | undefined;
  let live: LiveRun | undefined;
  let dashboardText = 'no dashboard';
  const recent: string[] = [];
  const loading = loadTableUi();
  let ui: TableUi | undefined;
  loading.then((loaded) => (ui = loaded), () => undefined);
  const render = async (): Promise<void> => {
    if (live === undefined) return;
    const { logUpdate, renderInstanceTable } = await loading;
    const instances = await live.store.listInstances();
    const header = `Tachikoma · ${instances.length} instances · ${live.messagesPerSecond().toFixed(1)} msg/s · ${dashboardText} · Ctrl-C stops`;
    logUpdate([header, renderInstanceTable(instances), ...recent.slice(-6)].join('\n'));
  };
  return {
    event: (event) => {
      recent.push(`${new Date().toLocaleTimeString()} ${formatEvent(event)}`);
      if (event.type === 'run_stopped' || event.type === 'instance_gave_up') {
        ui?.logUpdate.clear();
        process.stdout.write(`${formatEvent(event)}\n`);
      }
    },
    dashboard: (url, needsToken) => {
      dashboardText = `dashboard ${url}`;
      if (needsToken) recent.push(TOKEN_NOTE);
    },
    note: (text) => recent.push(text),
    ready: (running) => {
      live = running;
      timer = setInterval(() => void render().catch(() => undefined), 1000);
    },
    close: () => {
      clearInterval(timer);
      ui?.logUpdate.done();
    },
  };
}
