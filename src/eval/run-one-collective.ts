import type { GovernorSettings } from '../governor/budget.js';
import type { OrchestratorEvent } from '../orchestrator/orchestrator-events.js';
import { type LiveRun, runCollective } from '../orchestrator/run-collective.js';
import { DEFAULT_SETTINGS, type InstanceSpec } from '../orchestrator/run-config.js';

/** Why a run under evaluation ended. The first three mean it ended by itself. */
export type EndReason = 'goal_met' | 'finished' | 'quiet' | 'budget' | 'timeout' | 'crashed' | 'interrupted';

/** Whether the collective stopped on its own (goal agreed, every instance done, or nothing left moving). */
export function endedByItself(reason: EndReason): boolean {
  return reason === 'goal_met' || reason === 'finished' || reason === 'quiet';
}

export interface CollectiveRunOptions {
  workspace: string;
  runDirectory: string;
  goal: string;
  instances: InstanceSpec[];
  governor: GovernorSettings;
  timeoutMs: number;
  /** Nothing in the history and no instance thinking or using a tool for this long ends the run ('quiet'). */
  quietMs: number;
  signal: AbortSignal;
  /** Continue the stopped run in `runDirectory` instead of starting one. */
  resume?: boolean;
}

const BUSY = new Set(['starting', 'thinking', 'tool', 'writing']);

/**
 * Watches a live run: when its history stops growing and no instance is busy for `quietMs`, calls `stop`
 * with 'budget' when an instance paused on its budget, else 'quiet'. Returns the watcher's stop function.
 */
function watchQuiet(live: LiveRun, quietMs: number, stop: (reason: EndReason) => void): () => void {
  const watchStarted = Date.now();
  let lastSeq = -1;
  let quietSince = Date.now();
  // An instance whose process has not registered in this run yet (a resumed run still shows last run's record) is
  // not quiet, it is starting.
  const notStarted = (record: { startedAt: string }): boolean => Date.parse(record.startedAt) < watchStarted - 1000;
  const timer = setInterval(() => {
    void (async () => {
      const [seq, instances] = await Promise.all([live.store.lastHistorySeq(), live.store.listInstances()]);
      if (seq !== lastSeq || instances.some((record) => BUSY.has(record.status) || notStarted(record))) {
        lastSeq = seq;
        quietSince = Date.now();
        return;
      }
      if (Date.now() - quietSince < quietMs) return;
      stop(instances.some((record) => record.lastActivity.startsWith('paused:')) ? 'budget' : 'quiet');
    })().catch(() => undefined);
  }, Math.min(500, quietMs));
  return () => clearInterval(timer);
}

/**
 * Runs one collective to its end through the orchestrator (real instance processes, its own store in
 * `runDirectory`), stopping it at `timeoutMs`, when it goes quiet, or when `signal` aborts. Resolves with why
 * it ended and its wall time.
 */
export async function runOneCollective(options: CollectiveRunOptions): Promise<{ reason: EndReason; wallSeconds: number }> {
  const started = performance.now();
  const controller = new AbortController();
  let reason: EndReason | undefined;
  const stop = (why: EndReason): void => {
    reason ??= why;
    controller.abort();
  };
  const onOuterAbort = (): void => stop('interrupted');
  options.signal.addEventListener('abort', onOuterAbort, { once: true });
  const timeout = setTimeout(() => stop('timeout'), options.timeoutMs);
  let unwatch: () => void = () => undefined;
  const onEvent = (event: OrchestratorEvent): void => {
    if (event.type === 'goal_met') reason ??= 'goal_met';
  };
  try {
    const state = await runCollective({
      runDirectory: options.runDirectory,
      workspace: options.workspace,
      goal: options.goal,
      instances: options.instances,
      store: null,
      settings: { ...DEFAULT_SETTINGS, governor: options.governor },
      resume: options.resume === true,
      untilDone: true,
      onEvent,
      signal: controller.signal,
      onReady: (live) => {
        unwatch = watchQuiet(live, options.quietMs, stop);
      },
    });
    reason ??= state === 'crashed' ? 'crashed' : state === 'done' ? 'finished' : 'interrupted';
  } finally {
    clearTimeout(timeout);
    unwatch();
    options.signal.removeEventListener('abort', onOuterAbort);
  }
  return { reason, wallSeconds: Math.round((performance.now() - started) / 10) / 100 };
}
