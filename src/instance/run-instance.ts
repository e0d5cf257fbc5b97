import { NOTEBOOK_NAMESPACE, type Notebook } from '../brain/notebook.js';
import type { Brain } from '../brain/brain.js';
import type { Message, Role } from '../protocol/index.js';
import { type CollectiveStore, StoreError } from '../store/index.js';
import type { ToolDefinition } from '../tools/tool-definition.js';
import type { GovernorSettings } from '../governor/budget.js';
import { Governor, type TurnEffect } from '../governor/governor.js';
import { isReadOnlyTool } from '../tools/read-only-tools.js';
import type { ChangeSettings } from '../workspace/change-settings.js';
import { InboxQueue } from './inbox-queue.js';
import { InstanceStatusBoard } from './instance-status.js';
import type { Logger } from './instance-logger.js';
import { LeaseKeeper } from './lease-keeper.js';
import { type WakePolicy, wakes } from './wake-policy.js';
import { pauseUntilResumed } from './pause.js';
import { StopRequests, highestSeq, mergeInbox } from './stop-requests.js';
import { DEFAULT_QUICK_TURN_MS, type TurnResult, type TurnScope, takeTurn } from './take-turn.js';
import { TurnFailures, failureText, setAside } from './turn-failures.js';

export { isStopRequest, mergeInbox } from './stop-requests.js';

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
  /** How builders change code in this run (command allowlist, writing in place, review quorum). */
  changes?: ChangeSettings;
  /** The model the brain uses (prices the tokens), when it has one. */
  model?: string;
  /** Which messages start a turn (default "all"); under "concerned" plain broadcasts wait for the next turn. */
  wake?: WakePolicy;
}

/** What the loop does after a turn: go on, or stop for a reason. */
type Next = { kind: 'continue' } | { kind: 'stop'; reason: string };

/**
 * One instance's life, once registered: turn after turn — drain the inbox (human first), let the brain act, then
 * checkpoint (iteration, metadata and cursor in one write) — and wait for messages or the next tick between turns.
 */
class InstanceSession {
  private carried: Message[] = [];
  private idle = false;
  /** While idle: when to take a turn anyway, to look around (0: not idle yet). */
  private lookAroundAt = 0;
  private readonly failures = new TurnFailures();
  private readonly turnScope: TurnScope;

  constructor(
    private readonly options: InstanceRuntimeOptions,
    private readonly board: InstanceStatusBoard,
    private readonly inbox: InboxQueue,
    private readonly stops: StopRequests,
    private readonly governor: Governor | undefined,
    private metadata: Record<string, unknown>,
    private readonly follow: AbortController,
    private readonly keeper: LeaseKeeper,
  ) {
    this.turnScope = {
      keeper,
      id: options.id, role: options.role, goal: options.goal, workspace: options.workspace, runDirectory: options.runDirectory,
      store: options.store, brain: options.brain, logger: options.logger, stop: options.stop, board, governor, tools: options.tools,
      leaseMs: options.leaseMs ?? 60_000, quickTurnMs: options.quickTurnMs ?? DEFAULT_QUICK_TURN_MS,
      ...(options.changes === undefined ? {} : { changes: options.changes }),
    };
  }

  async run(): Promise<{ iterations: number; reason: string }> {
    const { options, board, inbox } = this;
    let reason = 'stopped';
    board.startHeartbeat(options.heartbeatMs ?? 1000, options.stop);
    this.keeper.start(options.stop);
    try {
      await board.publish('idle', 'ready');
      await board.saveState();
      while (!options.stop.aborted) {
        const next = await this.step();
        if (next.kind === 'stop') {
          reason = next.reason;
          break;
        }
      }
    } finally {
      board.stopHeartbeat();
      this.keeper.stop();
      this.follow.abort();
      await inbox.closed();
      await this.recordStopped(reason);
    }
    return { iterations: board.iteration, reason };
  }

  /** One pass of the loop: a stop, a quiet wait, or a turn and what follows it. */
  private async step(): Promise<Next> {
    const batch = mergeInbox(this.carried, this.stops.fresh(this.inbox.drain()));
    this.carried = [];
    if (this.stops.stopsNow(batch)) {
      this.board.cursor = await this.stops.accept(batch, this.board.cursor);
      return { kind: 'stop', reason: 'stop requested' };
    }
    if (this.idle && !this.wakesNow(batch)) {
      // Nothing that concerns this instance: what arrived waits, as context, for the next turn.
      this.carried = [...batch];
      if (batch.length > 0) this.options.logger.debug({ event: 'carried', inbox: batch.map((message) => message.seq) }, 'nothing here starts a turn: kept for the next one');
      if (this.lookAroundAt === 0) this.lookAroundAt = Date.now() + (this.options.idleCheckMs ?? 30_000);
      await this.inbox.waitForMessage(Math.max(0, this.lookAroundAt - Date.now()), this.options.stop);
      // Quiet for a whole check interval: take a turn anyway, to look around (expired claims, open votes).
      if (this.inbox.size === 0 && Date.now() >= this.lookAroundAt) this.idle = false;
      return { kind: 'continue' };
    }
    this.lookAroundAt = 0;
    const started = performance.now();
    let turn: TurnResult;
    try {
      turn = await takeTurn(this.turnScope, batch, this.metadata);
    } catch (error) {
      if (this.options.stop.aborted) throw error;
      await this.turnFailed(batch, error);
      return { kind: 'continue' };
    }
    this.failures.reset();
    // A turn the stop cut short handled nothing: its messages stay unread (the cursor did not move), and it
    // publishes no status of its own — the next and last one is 'stopped'.
    if (this.options.stop.aborted && turn.outcome.unhandled === true) return { kind: 'stop', reason: 'stopped' };
    if (turn.outcome.skipped === true && turn.calls.length === 0) {
      await this.skipped(batch, turn);
      return { kind: 'continue' };
    }
    await this.checkpoint(batch, turn, started);
    if (turn.outcome.done === true) return { kind: 'stop', reason: 'done' };
    return this.between(turn);
  }

  /** Does this batch start a turn (see the wake policy)? An empty one never does. */
  private wakesNow(batch: readonly Message[]): boolean {
    const policy = this.options.wake ?? 'all';
    return batch.some((message) => wakes(message, this.options.id, policy));
  }

  /**
   * Nothing changed since the brain's last turn, or nothing in it to act on: no model call, no turn counted; wait
   * as an idle instance. The events that woke it are done with; what would not have woken it (a plain broadcast)
   * is kept, as context, for the next turn the model takes (in this process: after a restart it is in the recent
   * messages instead).
   */
  private async skipped(batch: readonly Message[], turn: TurnResult): Promise<void> {
    const { board } = this;
    this.idle = true;
    this.carried = batch.filter((message) => !this.wakesNow([message]));
    if (this.carried.length > 0) this.options.logger.debug({ event: 'carried', inbox: this.carried.map((message) => message.seq) }, 'a skipped turn: kept for the next one');
    if (batch.length > 0) {
      board.cursor = highestSeq(batch, board.cursor);
      await this.options.store.saveCursor(`inbox:${this.options.id}`, board.cursor);
    }
    if (turn.shown || turn.before.status !== 'idle') await board.publish('idle', turn.before.lastActivity);
    else board.note('idle', turn.before.lastActivity);
    this.options.logger.debug({ event: 'turn_skipped', iteration: board.iteration }, turn.outcome.summary);
  }

  /**
   * The turn's iteration and the cursor past its batch are saved in one transaction: a crash before it re-handles
   * the batch under the same iteration, whose message ids the store already holds, so nothing is sent twice; a
   * crash after it has nothing left to re-handle. An unhandled turn (the model was unreachable) keeps its batch
   * for the next turn and does not count toward "no progress".
   */
  private async checkpoint(batch: readonly Message[], turn: TurnResult, started: number): Promise<void> {
    const { board, governor } = this;
    const { outcome, calls } = turn;
    const unhandled = outcome.unhandled === true;
    board.iteration += 1;
    this.idle = unhandled ? false : outcome.idle;
    board.lastTurn = { summary: outcome.summary.slice(0, 500), tools: calls.length, ms: Math.round(performance.now() - started) };
    const used = governor?.recordTurn({ ...(outcome.usage === undefined ? {} : { usage: outcome.usage }), effect: turnEffect(turn, batch.length) });
    const turnMetadata = { ...(outcome.metadata ?? {}), ...(used === undefined ? {} : { usage: { ...used } }) };
    const hasMetadata = Object.keys(turnMetadata).length > 0;
    if (hasMetadata) this.metadata = { ...this.metadata, ...turnMetadata };
    if (unhandled) this.carried = [...batch];
    else if (batch.length > 0) board.cursor = highestSeq(batch, board.cursor);
    // Saved before the checkpoint: a crash between the two replays the turn, which replaces its own entry.
    if (outcome.notebook !== undefined) await this.saveNotebook(outcome.notebook);
    await board.publish(this.idle ? 'idle' : 'waiting', outcome.summary, {
      ...(unhandled || batch.length === 0 ? {} : { inboxSeq: board.cursor }),
      ...(hasMetadata ? { metadata: turnMetadata } : {}),
    });
    await board.saveState();
    this.options.logger.info(
      { event: 'turn', iteration: board.iteration, inbox: batch.map((message) => message.seq), tools: calls.length, ms: board.lastTurn.ms, idle: this.idle, ...(unhandled ? { unhandled } : {}) },
      outcome.summary,
    );
  }

  /** Saves the brain's notebook; one the store refuses (too large) is logged and the last saved one kept. */
  private async saveNotebook(notebook: Notebook): Promise<void> {
    try {
      await this.options.store.putDocument(NOTEBOOK_NAMESPACE, this.options.id, notebook);
    } catch (error) {
      if (!StoreError.hasCode(error, 'invalid_input')) throw error;
      this.options.logger.warn({ event: 'notebook_refused', error: error.message }, `notebook not saved: ${error.message}`);
    }
  }

  /** Between turns: a governor pause, a back-off after an unhandled turn, or the brain's own pace. */
  private async between(turn: TurnResult): Promise<Next> {
    const { options, inbox } = this;
    const pauseReason = await this.governor?.pauseReason(options.store, options.id);
    if (pauseReason !== undefined && pauseReason !== null) {
      const end = await pauseUntilResumed({ ...this.turnScope, inbox, stops: this.stops }, pauseReason);
      if (end.kind === 'stopped') {
        this.board.cursor = await this.stops.accept(mergeInbox(this.carried, end.stopBatch), this.board.cursor);
        return { kind: 'stop', reason: 'stop requested while paused' };
      }
      this.idle = false;
      return { kind: 'continue' };
    }
    const pause = turn.outcome.nextTurnInMs ?? (this.idle ? undefined : Math.max(options.tickMs ?? 0, this.stalledGapMs()));
    if (pause === undefined || pause <= 0) return { kind: 'continue' };
    if (turn.outcome.unhandled === true) {
      // Back off for the whole pause (new messages join the carried ones), waking early only to stop.
      const until = Date.now() + pause;
      while (!options.stop.aborted && Date.now() < until) {
        await inbox.waitForMessage(until - Date.now(), options.stop);
        const arrived = this.stops.fresh(inbox.drain());
        this.carried = mergeInbox(this.carried, arrived);
        if (this.stops.stopsNow(arrived)) break;
      }
    } else {
      await inbox.waitForMessage(pause, options.stop);
      this.idle = false;
    }
    return { kind: 'continue' };
  }

  /** After a turn that changed nothing (and is not idle), the next one waits this long unless a message comes. */
  private stalledGapMs(): number {
    const governor = this.governor;
    return governor?.stalled === true ? governor.minTurnGapMs : 0;
  }

  /**
   * A turn that threw (a tool the brain could not use, a bug on some input): the instance does not die on it.
   * The batch is presented again once; when it fails again its messages are set aside with the reason, and the
   * cursor moves past them. A failure with nothing in the inbox backs off and tries again.
   */
  private async turnFailed(batch: readonly Message[], error: unknown): Promise<void> {
    const { board, options } = this;
    const why = failureText(error);
    const poison = this.failures.record(batch);
    options.logger.error({ event: 'turn_failed', iteration: board.iteration, inbox: batch.map((message) => message.seq), attempt: this.failures.consecutive, error: why }, `turn failed: ${why}`);
    if (poison) {
      const replies = await setAside(options.store, options.id, batch, why);
      board.cursor = highestSeq(batch, board.cursor);
      await board.publish('waiting', `set aside ${batch.length} message(s): ${why}`, { inboxSeq: board.cursor });
      options.logger.warn({ event: 'set_aside', inbox: batch.map((message) => message.seq), replies, reason: why }, `set aside ${batch.length} message(s)`);
      this.failures.reset();
      return;
    }
    this.carried = mergeInbox(batch, this.carried);
    await board.publish('waiting', `turn failed: ${why}`);
    if (batch.length === 0) await this.inbox.waitForMessage(Math.min(60_000, 1000 * 2 ** Math.min(this.failures.consecutive, 6)), options.stop);
  }

  private async recordStopped(reason: string): Promise<void> {
    const { board, options } = this;
    try {
      await board.publish('stopped', reason);
      await board.saveState();
    } catch (error) {
      options.logger.warn({ event: 'final_status_failed', error: String(error) }, 'could not record the final status');
    }
    await options.brain.close?.();
    options.logger.info({ event: 'stopped', iteration: board.iteration, reason }, `${options.id} stopped (${reason})`);
  }
}

/**
 * What a turn did, for the governor: progress when a tool that writes worked (or the brain says it changed
 * something), idle when nothing was asked and nothing called, unhandled when the model was unreachable, and
 * nothing otherwise — only reads, failed writes, or messages left unanswered.
 */
export function turnEffect(turn: Pick<TurnResult, 'outcome' | 'calls'>, inboxSize: number): TurnEffect {
  if (turn.outcome.unhandled === true) return 'unhandled';
  if (turn.outcome.progress === true || turn.calls.some((call) => call.ok && !isReadOnlyTool(call.tool))) return 'progress';
  if (turn.calls.length === 0 && inboxSize === 0) return 'idle';
  return 'nothing';
}

/**
 * One instance's life: register, then turn after turn (see InstanceSession) until stopped by a signal, a stop
 * control message, or the brain saying the work is done.
 */
export async function runInstance(options: InstanceRuntimeOptions): Promise<{ iterations: number; reason: string }> {
  const { id, store, brain, logger } = options;
  const registered = await store.register({ id, role: options.role, pid: process.pid, status: 'starting', metadata: { brain: brain.name } });
  const model = options.model ?? brain.model;
  const governor = options.governorSettings === undefined ? undefined : new Governor(options.governorSettings, model, registered.metadata.usage);
  if (governor !== undefined && model !== undefined && !governor.priced) {
    logger.warn({ event: 'unpriced_model', model }, `no price known for model ${model}: its tokens count toward the token budgets but cost $0 (add it to governor.prices)`);
  }
  const cursor = await store.getCursor(`inbox:${id}`);
  const stops = await StopRequests.load(store, id, cursor);
  const follow = new AbortController();
  const inbox = new InboxQueue(store, id, cursor, follow.signal);
  const board = new InstanceStatusBoard(store, { id, role: options.role, brain: brain.name, stateFile: options.stateFile, logger }, { iteration: registered.iteration, cursor });
  logger.info({ event: 'started', iteration: registered.iteration, cursor, brain: brain.name }, `${id} started as ${options.role}`);
  const keeper = new LeaseKeeper({ store, self: id, currentTask: board.currentTask, leaseMs: options.leaseMs ?? 60_000, logger });
  return new InstanceSession(options, board, inbox, stops, governor, { ...registered.metadata }, follow, keeper).run();
}
