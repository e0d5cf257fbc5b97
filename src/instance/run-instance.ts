import type { Brain, TurnOutcome } from '../brain/brain.js';
import type { Heartbeat, InstanceStatus, Message, Role } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';
import { allowedTools } from '../collective/roles.js';
import { ALL_TOOLS } from '../tools/all-tools.js';
import { createToolBox } from '../tools/create-tool-box.js';
import type { ToolDefinition } from '../tools/tool-definition.js';
import type { GovernorSettings } from '../governor/budget.js';
import { Governor } from '../governor/governor.js';
import { buildTurnContext } from './build-turn-context.js';
import { InboxQueue } from './inbox-queue.js';
import { TurnFailures, failureText, setAside } from './turn-failures.js';
import type { Logger } from './instance-logger.js';
import { type InstanceStateView, STATE_FILE_VERSION, writeStateFile } from './state-file.js';

export interface InstanceRuntimeOptions {
  id: string;
  role: Role;
  goal: string;
  workspace: string;
  runDirectory: string;
  store: CollectiveStore;
  brain: Brain;
  logger: Logger;
  stateFile: string;
  /** Aborting asks the instance to finish its current step and stop. */
  stop: AbortSignal;
  tools?: readonly ToolDefinition[];
  heartbeatMs?: number;
  /** Pause between turns while the brain still has work (not idle). */
  tickMs?: number;
  /** Longest sleep while idle before looking again (claims may have expired, peers may need help). */
  idleCheckMs?: number;
  /** A turn that ends within this time publishes no status of its own, only its end (default 250 ms). */
  quickTurnMs?: number;
  leaseMs?: number;
  /** Budgets and loop guards; absent → no limits. */
  governorSettings?: GovernorSettings;
  /** The model the brain uses (prices the tokens), when it has one. */
  model?: string;
}

/** A turn that ends within this time publishes no status of its own, only its end (see the turn loop). */
const DEFAULT_QUICK_TURN_MS = 250;

const WRITING_TOOLS = new Set(['send_message', 'share_finding', 'ask', 'answer', 'complete_task', 'fail_task', 'propose', 'vote']);

/** Is this a request for the instance to stop (a control message `stop`)? */
export function isStopRequest(message: Message): boolean {
  return message.type === 'control' && (message.metadata.command === 'stop' || message.content.trim().toLowerCase() === 'stop');
}

/** The files a read_files call asked for, logged so reads per file can be counted after a run (`tachikoma eval`). */
function readPaths(tool: string, input: unknown): { paths?: string[] } {
  if (tool !== 'read_files' || input === null || typeof input !== 'object') return {};
  const { paths } = input as { paths?: unknown };
  return Array.isArray(paths) ? { paths: paths.filter((path): path is string => typeof path === 'string').slice(0, 50) } : {};
}

function highestSeq(messages: readonly Message[], floor: number): number {
  return messages.reduce((highest, message) => Math.max(highest, message.seq), floor);
}

/** Messages kept over from an unhandled turn joined with new ones: each once, the human's first, then by sequence. */
export function mergeInbox(carried: readonly Message[], fresh: readonly Message[]): Message[] {
  if (carried.length === 0) return [...fresh];
  const byId = new Map<string, Message>();
  for (const message of [...carried, ...fresh]) byId.set(message.id, message);
  const all = [...byId.values()].sort((a, b) => a.seq - b.seq);
  return [...all.filter((message) => message.from === 'human'), ...all.filter((message) => message.from !== 'human')];
}

/**
 * One instance's life: register, then turn after turn — drain the inbox (human first), build the context,
 * let the brain act through tools, checkpoint (iteration and cursor in one write), heartbeat — and wait for
 * messages or the next tick between turns. Returns when stopped (signal or a stop control message).
 */
export async function runInstance(options: InstanceRuntimeOptions): Promise<{ iterations: number; reason: string }> {
  const { id, store, brain, logger, stop } = options;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const leaseMs = options.leaseMs ?? 60_000;
  const registered = await store.register({ id, role: options.role, pid: process.pid, status: 'starting', metadata: { brain: brain.name } });
  let iteration = registered.iteration;
  let metadata: Record<string, unknown> = { ...registered.metadata };
  const governor = options.governorSettings === undefined ? undefined : new Governor(options.governorSettings, options.model, registered.metadata.usage);
  let cursor = await store.getCursor(`inbox:${id}`);
  // An instance joining for the first time (nothing handled yet) reads the collective's past broadcasts; a
  // broadcast `stop` among them ended an earlier session of the run and is not meant for it.
  const joinedAfterSeq = cursor === 0 ? await store.lastMessageSeq() : 0;
  const stopsNow = (batch: readonly Message[]): boolean =>
    batch.some((message) => isStopRequest(message) && !(message.to === 'broadcast' && message.seq <= joinedAfterSeq));
  let status: InstanceStatus = 'starting';
  const currentTask = { id: null as string | null };
  let lastActivity = 'started';
  let lastTurn: InstanceStateView['lastTurn'] = null;
  /** Messages of a turn the brain could not handle: the cursor stays before them and they are presented again. */
  let carried: Message[] = [];
  const follow = new AbortController();
  const inbox = new InboxQueue(store, id, cursor, follow.signal);
  /** The last stop request acted on: a resumed instance does not stop again on one it re-reads. */
  let stoppedAt = await store.getCursor(`stop:${id}`);
  const take = (): Message[] => inbox.drain().filter((message) => !(isStopRequest(message) && message.seq <= stoppedAt));
  /**
   * Stops on a batch holding a stop request: the cursor moves past the stop but not past any other message of
   * the batch, so nothing unhandled is lost when the run is resumed.
   */
  const acceptStop = async (batch: readonly Message[]): Promise<void> => {
    stoppedAt = highestSeq(batch.filter(isStopRequest), stoppedAt);
    await store.saveCursor(`stop:${id}`, stoppedAt);
    const rest = batch.filter((message) => !isStopRequest(message));
    cursor = rest.length === 0 ? highestSeq(batch, cursor) : Math.max(cursor, Math.min(...rest.map((message) => message.seq)) - 1);
    await store.saveCursor(`inbox:${id}`, cursor);
  };
  logger.info({ event: 'started', iteration, cursor, brain: brain.name }, `${id} started as ${options.role}`);

  const saveState = (): Promise<void> =>
    writeStateFile(options.stateFile, {
      schemaVersion: STATE_FILE_VERSION, id, role: options.role, pid: process.pid, brain: brain.name, status, iteration,
      currentTask: currentTask.id, cursor, lastActivity, lastTurn, updatedAt: new Date().toISOString(),
    });
  /** Changes the status here only; `setStatus` publishes it. */
  const noteStatus = (next: InstanceStatus, activity?: string): void => {
    status = next;
    if (activity !== undefined) lastActivity = activity.slice(0, 500);
  };
  /**
   * Publishes the status. A checkpoint (the end of a turn) carries the turn's metadata and moves the inbox
   * cursor to `inboxSeq`, in the same transaction. The writes go out one after another in call order, so a
   * tool's status sent without waiting during a turn can never land after (and undo) the checkpoint.
   */
  let statusWrites: Promise<unknown> = Promise.resolve();
  const setStatus = (next: InstanceStatus, activity?: string, checkpoint: { inboxSeq?: number; metadata?: Heartbeat['metadata'] } = {}): Promise<void> => {
    noteStatus(next, activity);
    const beat = { status, lastActivity, currentTask: currentTask.id, iteration, ...(checkpoint.metadata === undefined ? {} : { metadata: checkpoint.metadata }) };
    const cursorPosition = checkpoint.inboxSeq === undefined ? undefined : { consumer: `inbox:${id}`, seq: checkpoint.inboxSeq };
    const write = statusWrites.then(() => store.heartbeat(id, beat, cursorPosition)).then(() => undefined);
    statusWrites = write.catch(() => undefined);
    return write;
  };
  const beat = setInterval(() => {
    store.heartbeat(id)
      .then(async (record) => {
        // Recorded as crashed by an orchestrator while this instance was cut off (or too slow): it is back.
        if (record.status === 'crashed' && status !== 'crashed' && !stop.aborted) {
          logger.warn({ event: 'reconnected', lastActivity: record.lastActivity }, 'was recorded as crashed; alive again');
          await setStatus(status);
        }
      })
      .catch((error: unknown) => logger.warn({ event: 'heartbeat_failed', error: String(error) }, 'heartbeat failed'));
  }, heartbeatMs);
  beat.unref();

  /** Pauses (nothing is killed): tells the human why and waits for "resume" or a stop; other messages wait their turn. */
  const pauseUntilResumed = async (why: string): Promise<'resumed' | 'stopped'> => {
    await setStatus('waiting', `paused: ${why}`);
    logger.warn({ event: 'paused', reason: why }, `paused: ${why}`);
    await store.publish({
      from: id, to: 'human', type: 'question',
      content: `${id} paused: ${why}. Reply "resume" to continue (the limit grows by its original size), or stop the run.`,
      metadata: { governor: 'paused', reason: why },
    });
    const held: Message[] = [];
    try {
      while (!stop.aborted) {
        await inbox.waitForMessage(30_000, stop);
        const batch = take();
        if (stopsNow(batch)) {
          await acceptStop(mergeInbox(mergeInbox(carried, held), batch));
          return 'stopped';
        }
        const resume = batch.find((message) => message.from === 'human' && /^\s*resume\b/i.test(message.content));
        held.push(...batch.filter((message) => message !== resume));
        if (resume !== undefined) {
          governor?.resume();
          logger.info({ event: 'resumed', by: resume.id }, 'resumed by the human');
          await store.publish({ from: id, to: 'human', type: 'answer', content: `${id} resumed.`, metadata: { governor: 'resumed', inReplyTo: resume.id } });
          return 'resumed';
        }
      }
      return 'stopped';
    } finally {
      inbox.putBack(held);
    }
  };

  const failures = new TurnFailures();
  /**
   * A turn that threw (a tool the brain could not use, a bug on some input): the instance does not die on it.
   * The batch is presented again once; when it fails again its messages are set aside with the reason, and the
   * cursor moves past them. A failure with nothing in the inbox backs off and tries again.
   */
  const turnFailed = async (batch: readonly Message[], error: unknown): Promise<void> => {
    const why = failureText(error);
    const poison = failures.record(batch);
    logger.error({ event: 'turn_failed', iteration, inbox: batch.map((message) => message.seq), attempt: failures.consecutive, error: why }, `turn failed: ${why}`);
    if (poison) {
      const replies = await setAside(store, id, batch, why);
      cursor = highestSeq(batch, cursor);
      await setStatus('waiting', `set aside ${batch.length} message(s): ${why}`, { inboxSeq: cursor });
      logger.warn({ event: 'set_aside', inbox: batch.map((message) => message.seq), replies, reason: why }, `set aside ${batch.length} message(s)`);
      failures.reset();
      return;
    }
    carried = mergeInbox(batch, carried);
    await setStatus('waiting', `turn failed: ${why}`);
    if (batch.length === 0) await inbox.waitForMessage(Math.min(60_000, 1000 * 2 ** Math.min(failures.consecutive, 6)), stop);
  };

  let idle = false;
  let reason = 'stopped';
  try {
    await setStatus('idle', 'ready');
    await saveState();
    while (!stop.aborted) {
      const batch = mergeInbox(carried, take());
      carried = [];
      if (stopsNow(batch)) {
        reason = 'stop requested';
        await acceptStop(batch);
        break;
      }
      if (batch.length === 0 && idle) {
        await inbox.waitForMessage(options.idleCheckMs ?? 30_000, stop);
        // Quiet for a whole check interval: take a turn anyway, to look around (expired claims, open votes).
        if (inbox.size === 0) idle = false;
        continue;
      }
      const started = performance.now();
      // The turn's statuses (thinking, tool, writing) are published once it has lasted quickTurnMs: a quick look
      // around leaves one change in the history (its checkpoint), not four, and wakes nobody for nothing.
      const before: { status: InstanceStatus; lastActivity: string } = { status, lastActivity };
      let shown = false;
      noteStatus('thinking', batch.length > 0 ? `reading ${batch.length} message(s)` : 'thinking');
      const reveal = setTimeout(() => {
        shown = true;
        setStatus(status).catch(() => undefined);
      }, options.quickTurnMs ?? DEFAULT_QUICK_TURN_MS);
      let outcome: TurnOutcome;
      let tools: ReturnType<typeof createToolBox>;
      try {
        const context = await buildTurnContext({
          store, self: id, role: options.role, iteration, goal: options.goal, workspace: options.workspace, inbox: batch, currentTaskId: currentTask.id, metadata,
        });
        tools = createToolBox({
          tools: options.tools ?? ALL_TOOLS, store, self: id, role: options.role, signal: stop, currentTask, leaseMs,
          workspace: options.workspace, runDirectory: options.runDirectory, allowed: allowedTools(options.role, true),
          ...(governor === undefined ? {} : { guard: (name: string, input: unknown) => governor?.guard.check(name, input) ?? null }),
          turnKey: `${iteration}`,
          onCall: (phase, record) => {
            // Only a change of kind is written: a run of reads stays one 'tool' status, not two writes per call.
            const next: InstanceStatus = WRITING_TOOLS.has(record.tool) ? 'writing' : 'tool';
            if (phase === 'start' && next !== status) {
              if (shown) setStatus(next, `using ${record.tool}`).catch(() => undefined);
              else noteStatus(next, `using ${record.tool}`);
            }
            if (phase === 'end') {
              logger.info(
                { event: 'tool', tool: record.tool, ok: record.ok, ms: Math.round(record.ms), error: record.error, ...readPaths(record.tool, record.input) },
                `${record.tool} ${record.ok ? 'ok' : 'failed'}`,
              );
            }
          },
        });
        outcome = await brain.turn(context, tools, stop);
      } catch (error) {
        if (stop.aborted) throw error;
        clearTimeout(reveal);
        await turnFailed(batch, error);
        continue;
      } finally {
        // Whatever ends the turn (an answer, a throw), its statuses are not published late.
        clearTimeout(reveal);
      }
      failures.reset();
      if (outcome.skipped === true && tools.calls.length === 0) {
        // Nothing changed since the brain's last turn: no model call, no turn counted; wait as an idle instance.
        idle = true;
        if (batch.length > 0) {
          cursor = highestSeq(batch, cursor);
          await store.saveCursor(`inbox:${id}`, cursor);
        }
        if (shown || before.status !== 'idle') await setStatus('idle', before.lastActivity);
        else noteStatus('idle', before.lastActivity);
        logger.debug({ event: 'turn_skipped', iteration }, outcome.summary);
        continue;
      }
      const unhandled = outcome.unhandled === true;
      iteration += 1;
      idle = unhandled ? false : outcome.idle;
      lastTurn = { summary: outcome.summary.slice(0, 500), tools: tools.calls.length, ms: Math.round(performance.now() - started) };
      // The turn's iteration and the cursor past its batch are saved in one transaction (below): a crash before
      // it re-handles the batch under the same iteration, whose message ids the store already holds, so nothing
      // is sent twice; a crash after it has nothing left to re-handle.
      // An unhandled turn (the model was unreachable) is not a loop: it does not count toward "no progress".
      const used = governor?.recordTurn({
        ...(outcome.usage === undefined ? {} : { usage: outcome.usage }),
        successfulCalls: tools.calls.filter((call) => call.ok).length,
        inboxSize: unhandled ? 0 : batch.length,
      });
      const turnMetadata = { ...(outcome.metadata ?? {}), ...(used === undefined ? {} : { usage: { ...used } }) };
      const hasMetadata = Object.keys(turnMetadata).length > 0;
      if (hasMetadata) metadata = { ...metadata, ...turnMetadata };
      if (unhandled) carried = batch;
      else if (batch.length > 0) cursor = highestSeq(batch, cursor);
      await setStatus(idle ? 'idle' : 'waiting', outcome.summary, {
        ...(unhandled || batch.length === 0 ? {} : { inboxSeq: cursor }),
        ...(hasMetadata ? { metadata: turnMetadata } : {}),
      });
      await saveState();
      logger.info({ event: 'turn', iteration, inbox: batch.map((message) => message.seq), tools: tools.calls.length, ms: lastTurn.ms, idle, ...(unhandled ? { unhandled } : {}) }, outcome.summary);
      if (outcome.done === true) {
        reason = 'done';
        break;
      }
      const pauseReason = await governor?.pauseReason(store, id);
      if (pauseReason !== undefined && pauseReason !== null) {
        if ((await pauseUntilResumed(pauseReason)) === 'stopped') {
          reason = 'stop requested while paused';
          break;
        }
        idle = false;
        continue;
      }
      const pause = outcome.nextTurnInMs ?? (idle ? undefined : options.tickMs ?? 0);
      if (unhandled && pause !== undefined && pause > 0) {
        // Back off for the whole pause (new messages join the carried ones), waking early only to stop.
        const until = Date.now() + pause;
        while (!stop.aborted && Date.now() < until) {
          await inbox.waitForMessage(until - Date.now(), stop);
          const arrived = take();
          carried = mergeInbox(carried, arrived);
          if (arrived.some(isStopRequest)) break;
        }
      } else if (pause !== undefined && pause > 0) {
        await inbox.waitForMessage(pause, stop);
        idle = false;
      }
    }
  } finally {
    clearInterval(beat);
    follow.abort();
    await inbox.closed();
    try {
      await setStatus('stopped', reason);
      await saveState();
    } catch (error) {
      logger.warn({ event: 'final_status_failed', error: String(error) }, 'could not record the final status');
    }
    await brain.close?.();
    logger.info({ event: 'stopped', iteration, reason }, `${id} stopped (${reason})`);
  }
  return { iterations: iteration, reason };
}
