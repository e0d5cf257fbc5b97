import { existsSync } from 'node:fs';
import { settleChanges } from './settle-changes.js';
import { launchArguments } from '../instance/instance-launch.js';
import { BRAINS, isBrainKind } from '../brain/registry.js';
import writeFileAtomic from 'write-file-atomic';
import { isStopRequest } from '../instance/stop-requests.js';
import { runPaths } from '../core/run-paths.js';
import { type InstanceRecord, messageSchema, nowTimestamp } from '../protocol/index.js';
import { type CollectiveStore, isPostgresSpec, openStore } from '../store/index.js';
import { InstanceSupervisor } from './instance-supervisor.js';
import type { EventSink, OrchestratorEvent } from './orchestrator-events.js';
import { instanceEntryArgs } from './instance-command.js';
import { type InstanceSpec, RUN_RECORD_VERSION, type RunRecord, type RunSettings, readRunRecord } from './run-config.js';
import { prepareRunDirectory } from './prepare-run-directory.js';
import { checkResumableFile, checkResumableStore } from './resume-check.js';
import { acquireRunLock } from './run-lock.js';
import { ViewWriter } from './view-writer.js';
import { GoalWatch } from './goal-watch.js';
import { VoteEvents } from './vote-events.js';
import { takeCoordinatorAtStart } from './first-coordinator.js';

export interface RunCollectiveOptions {
  runDirectory: string;
  workspace: string;
  goal: string;
  instances: InstanceSpec[];
  store: string | null;
  settings: RunSettings;
  resume: boolean;
  untilDone: boolean;
  timeoutMs?: number;
  onEvent: EventSink;
  /** Aborting stops the collective (Ctrl-C, SIGTERM). */
  signal: AbortSignal;
  /** Called once the collective is up, with the live store (status displays read it). */
  onReady?: (live: LiveRun) => void;
}

/** How a run ended. */
export type EndState = Exclude<RunRecord['state'], 'running'>;

/** What a status display can read while the run is live. */
export interface LiveRun {
  store: CollectiveStore;
  supervisors: readonly InstanceSupervisor[];
  messagesPerSecond: () => number;
}

/**
 * Node options of every instance process. V8's memory reducer runs a few full garbage collections each time a
 * process turns idle, to hand heap pages back: for a collective that is ~50 ms of CPU per instance every time
 * it goes quiet (16 instances: about a second, all at once), for some 5 MB less RSS each. Instances are small,
 * long-lived and mostly idle, so they keep the pages and skip those collections.
 */
const INSTANCE_NODE_OPTIONS = ['--no-memory-reducer'];

/** Does this brain open no network connection of its own? */
function isOffline(brain: string): boolean {
  return isBrainKind(brain) && !BRAINS[brain].network;
}

/**
 * Environment of an instance process: the orchestrator's, without NODE_EXTRA_CA_CERTS when the instance opens
 * no TLS connection at all (an offline brain on a SQLite store). Node 20 reads that file into a fresh root
 * certificate store as it starts, whether or not the process ever uses TLS: about 50 ms of CPU per process
 * on the machines we measure on, which sixteen instances starting together on two cores pay at once.
 */
export function instanceEnvironment(brain: string, store: string | null, environment: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv | undefined {
  if (environment.NODE_EXTRA_CA_CERTS === undefined || !isOffline(brain) || isPostgresSpec(store)) return undefined;
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = environment;
  return rest;
}

function withEnvironment(env: NodeJS.ProcessEnv | undefined): { env?: NodeJS.ProcessEnv } {
  return env === undefined ? {} : { env };
}

function instanceArgs(options: RunCollectiveOptions, spec: InstanceSpec, root: string): string[] {
  const { settings } = options;
  return [
    ...INSTANCE_NODE_OPTIONS, ...instanceEntryArgs(),
    ...launchArguments({
      id: spec.id, role: spec.role, runDirectory: root, workspace: options.workspace, goal: options.goal, brain: spec.brain,
      brainOptions: spec.brainOptions, heartbeatMs: settings.heartbeatMs, idleCheckMs: settings.idleCheckMs,
      leaseMs: settings.leaseMs, ...(options.store === null ? {} : { store: options.store }),
      ...(settings.governor === undefined || settings.governor === 'off' ? {} : { governor: settings.governor }),
      ...(settings.wake === undefined ? {} : { wake: settings.wake }),
      ...(settings.changes === undefined ? {} : { changes: settings.changes }),
    }),
  ];
}

/** Opens the run's store; on a resume, refuses (before writing anything) a store that is missing or empty. */
async function openResumable(options: RunCollectiveOptions, defaultPath: string): Promise<CollectiveStore> {
  if (options.resume) checkResumableFile(options.store, defaultPath);
  const store = await openStore(options.store ?? undefined, defaultPath);
  if (!options.resume) return store;
  try {
    await checkResumableStore(store);
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** What the parts of a running collective share. */
interface RunScope {
  options: RunCollectiveOptions;
  paths: ReturnType<typeof runPaths>;
  store: CollectiveStore;
  views: ViewWriter;
  supervisors: InstanceSupervisor[];
  finish: (state: EndState) => void;
  /** The upkeep under way (see keepUp), awaited before the last settling at shutdown. */
  upkeep?: Promise<void>;
}

/** Takes the run lock and opens the store (refusing a resume without a run); the run record's writer. */
async function openRun(options: RunCollectiveOptions, paths: ReturnType<typeof runPaths>) {
  prepareRunDirectory(paths.root, paths.logs, options.workspace);
  const hasRun = existsSync(paths.runFile);
  if (options.resume && !hasRun) throw new Error(`nothing to resume: ${paths.root} holds no run (run.json is missing)`);
  if (!options.resume && hasRun) {
    throw new Error(`${paths.root} already holds a run; continue it with \`tachikoma run --resume\`, or choose another --run-dir`);
  }
  const releaseLock = acquireRunLock(paths.orchestratorPidFile, paths.orchestratorLockFile);
  const store = await openResumable(options, paths.store).catch((error: unknown) => {
    releaseLock();
    throw error;
  });
  const created = options.resume ? readRunRecord(paths.runFile).createdAt : nowTimestamp();
  const writeRecord = (state: RunRecord['state']): Promise<void> => {
    const record: RunRecord = {
      schemaVersion: RUN_RECORD_VERSION, goal: options.goal, workspace: options.workspace, store: options.store, instances: options.instances,
      settings: options.settings, state, orchestratorPid: state === 'running' ? process.pid : null, createdAt: created, updatedAt: nowTimestamp(),
    };
    return writeFileAtomic(paths.runFile, `${JSON.stringify(record, null, 2)}\n`);
  };
  return { store, releaseLock, writeRecord };
}

/** Follows the history: keeps the views current, counts messages, and ends the run on a broadcast stop or a met goal. */
function watchHistory(scope: RunScope, goal: GoalWatch, messageTimes: number[], signal: AbortSignal): void {
  const { options, store, views, finish } = scope;
  void (async () => {
    const afterHistory = await store.lastHistorySeq();
    for await (const event of store.followHistory({ after: afterHistory, signal })) {
      views.schedule();
      if (event.kind !== 'message') continue;
      messageTimes.push(Date.now());
      if (messageTimes.length > 2000) messageTimes.splice(0, messageTimes.length - 2000);
      const parsed = messageSchema.safeParse(event.data);
      if (!parsed.success) continue;
      const message = parsed.data;
      if (isStopRequest(message) && message.to === 'broadcast') {
        options.onEvent({ type: 'stop_requested', by: message.from });
        finish('stopped');
      } else if (options.untilDone && message.type === 'consensus' && message.metadata.goalMet === true) {
        await goal.declare(message.from);
      } else if (options.untilDone && message.type === 'task_complete') {
        await goal.check();
      }
    }
  })().catch(() => undefined);
}

/** One supervisor per instance; the run ends when all have settled (done only if every one finished its work). */
function createSupervisors(scope: RunScope): void {
  const { options, store, paths, supervisors, finish } = scope;
  const policy = { maxRestarts: options.settings.maxRestarts, restartWindowMs: options.settings.restartWindowMs, baseBackoffMs: 250, maxBackoffMs: 8000, stopTimeoutMs: options.settings.stopTimeoutMs };
  const onSettled = (): void => {
    if (supervisors.every((supervisor) => supervisor.settled)) {
      // Done only when every instance finished its work: one that gave up leaves the goal unfinished.
      finish(supervisors.every((supervisor) => supervisor.state === 'finished') ? 'done' : 'crashed');
    }
  };
  // A process that died without saying so shows as crashed (to status and the dashboard) until it is back.
  const onSupervisorEvent = (event: OrchestratorEvent): void => {
    options.onEvent(event);
    if ((event.type === 'instance_exited' && !event.expected) || event.type === 'instance_gave_up') {
      void store.heartbeat(event.id, { status: 'crashed', lastActivity: event.type === 'instance_gave_up' ? 'gave up after repeated crashes' : `crashed (${event.signal ?? `exit code ${event.code}`})` }).catch(() => undefined);
    }
  };
  for (const spec of options.instances) {
    supervisors.push(
      new InstanceSupervisor(
        {
          id: spec.id, command: process.execPath, args: instanceArgs(options, spec, paths.root), errorLogPath: paths.instanceErrorLog(spec.id),
          ...withEnvironment(instanceEnvironment(spec.brain, options.store)),
        },
        policy, onSupervisorEvent, onSettled,
      ),
    );
  }
}

/**
 * Every heartbeat period: a silent instance of this run is killed (and restarted by its supervisor) once it had a
 * whole stale period since its start; one joined by hand is only recorded as lost (its leases expire).
 */
function watchStale(scope: RunScope): NodeJS.Timeout {
  const { options, store, views, supervisors } = scope;
  const markLost = async (record: InstanceRecord, silentMs: number): Promise<void> => {
    const seconds = Math.round(silentMs / 1000);
    await store.heartbeat(record.id, {
      status: 'crashed',
      lastActivity: `no heartbeat for ${seconds} s (last ${record.heartbeatAt}, host ${record.host}): presumed lost`,
    });
    options.onEvent({ type: 'instance_lost', id: record.id, host: record.host, silentMs });
    views.schedule();
  };
  return setInterval(() => {
    void store.findStale(options.settings.staleMs).then(async (stale) => {
      for (const record of stale) {
        const supervisor = supervisors.find((candidate) => candidate.id === record.id);
        const silentMs = Date.now() - Date.parse(record.heartbeatAt);
        if (supervisor === undefined) await markLost(record, silentMs);
        else if (supervisor.state === 'running' && Date.now() - supervisor.startedAt > options.settings.staleMs) supervisor.killStale(silentMs);
      }
    }).catch(() => undefined);
  }, options.settings.heartbeatMs);
}

/** Every 2 s, one at a time: expired claims re-offered, due votes closed and announced, the goal checked, changes settled. */
function keepUp(scope: RunScope, voteEvents: VoteEvents, goal: GoalWatch): NodeJS.Timeout {
  const { options, store, views, paths } = scope;
  let running = false;
  return setInterval(() => {
    // One upkeep at a time: a slow merge must not let the next tick settle the same vote again.
    if (running) return;
    running = true;
    scope.upkeep = (async () => {
      const reoffered = await store.reofferExpired();
      const closed = await store.closeDue();
      // A vote also closes when its last vote is cast: every closed proposal is looked at, each told once.
      const allClosed = await store.listProposals({ state: 'closed' });
      const told = await voteEvents.publish(allClosed);
      if (options.untilDone) await goal.closed(allClosed);
      const settled = await settleChanges(store, options.workspace, paths.root);
      if (reoffered.length > 0 || closed.length > 0 || told > 0 || settled > 0) views.schedule();
    })().catch(() => undefined).finally(() => {
      running = false;
    });
  }, 2000);
}

/**
 * The last settling, once every instance has stopped: a merge vote decided in the run's final moments still lands
 * (or is recorded as rejected), after any upkeep under way, so no change is settled twice.
 */
async function settleLast(scope: RunScope): Promise<void> {
  await scope.upkeep;
  await settleChanges(scope.store, scope.options.workspace, scope.paths.root).catch(() => undefined);
}

/** Stops every instance (killing stragglers), flushes the views and records how the run ended. */
async function shutDown(scope: RunScope, endState: EndState, writeRecord: (state: RunRecord['state']) => Promise<void>, background: AbortController): Promise<void> {
  const { options, views, supervisors } = scope;
  const killed = (await Promise.all(supervisors.map(async (supervisor) => ((await supervisor.stop()) ? supervisor.id : null)))).filter(
    (id): id is string => id !== null,
  );
  if (killed.length > 0) options.onEvent({ type: 'killed_stragglers', ids: killed });
  await settleLast(scope);
  background.abort();
  await views.flush().catch(() => undefined);
  await writeRecord(endState).catch(() => undefined);
}

/**
 * Runs a collective until it is stopped (signal, `tachikoma stop`), its goal is met (`--until-done`), every
 * instance has finished, or the time budget ends. Supervises every instance process, keeps the JSON views
 * current, re-offers expired task claims and closes due proposals. Resolves with how the run ended.
 */
export async function runCollective(options: RunCollectiveOptions): Promise<EndState> {
  const paths = runPaths(options.runDirectory);
  const { store, releaseLock, writeRecord } = await openRun(options, paths);
  const background = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  let endState: EndState = 'stopped';
  let finish: (state: EndState) => void = () => undefined;
  const finished = new Promise<EndState>((resolve) => {
    finish = resolve;
  });
  const scope: RunScope = { options, paths, store, views: new ViewWriter(store, paths, 250, undefined, () => undefined), supervisors: [], finish: (state) => finish(state) };
  try {
    for (const spec of options.instances) {
      const existing = await store.getInstance(spec.id);
      if (existing === null || existing.role !== spec.role) await store.register({ id: spec.id, role: spec.role, pid: null, status: 'starting' });
    }
    await writeRecord('running');
    await takeCoordinatorAtStart(store, options.instances);
    const goal = new GoalWatch(store, 2 * options.settings.leaseMs, (by) => {
      options.onEvent({ type: 'goal_met', by });
      finish('done');
    });
    const messageTimes: number[] = [];
    watchHistory(scope, goal, messageTimes, background.signal);
    createSupervisors(scope);
    options.onEvent({ type: 'run_started', runDirectory: paths.root, instances: scope.supervisors.length, resumed: options.resume });
    for (const supervisor of scope.supervisors) supervisor.start();
    options.onReady?.({ store, supervisors: scope.supervisors, messagesPerSecond: () => messageTimes.filter((time) => Date.now() - time < 5000).length / 5 });
    timers.push(watchStale(scope), keepUp(scope, new VoteEvents(store), goal));
    if (options.timeoutMs !== undefined) timers.push(setTimeout(() => finish('stopped'), options.timeoutMs));
    options.signal.addEventListener('abort', () => finish('stopped'), { once: true });
    if (options.signal.aborted) finish('stopped');
    scope.views.schedule();
    endState = await finished;
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await shutDown(scope, endState, writeRecord, background);
    await store.close();
    releaseLock();
    options.onEvent({ type: 'run_stopped', state: endState });
  }
  return endState;
}
