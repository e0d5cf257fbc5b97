import type { ModelCallHooks, TurnUsage } from './usage.js';
import type { CollectiveStore } from '../store/index.js';
import { type Budget, type GovernorSettings, NO_USAGE, type Usage, addUsage, budgetExceeded, extendBudget, usageSchema } from './budget.js';
import { CallPacer } from './call-pacer.js';
import { LoopGuard } from './loop-guard.js';
import { costOf, findPrice, priceOf } from './price-table.js';

/**
 * What a turn did, for the no-progress count: `progress` (a tool that writes worked, or the brain says so)
 * and `idle` (nothing asked, nothing called) restart it, `nothing` (only reads, failed writes, or unanswered
 * messages) adds one, `unhandled` (the model was unreachable) leaves it.
 */
export type TurnEffect = 'progress' | 'idle' | 'nothing' | 'unhandled';

/**
 * Keeps one instance within its budgets and out of loops: counts turns, model calls, tokens (cached ones
 * apart), cost and time (persisted in the registry so a restart continues the count), paces model calls,
 * refuses looping tool calls, and says when the instance must pause and ask the human. It never kills anything.
 */
export class Governor {
  readonly guard: LoopGuard;
  private readonly pacer: CallPacer;
  private usage: Usage;
  private budget: Budget;
  private collectiveBudget: Budget;
  private collectiveUsed: Usage = NO_USAGE;
  private lastMark: number;
  private turnsWithoutProgress = 0;
  /** Model calls of the current turn already counted one by one (their turn's total is then not added again). */
  private callsThisTurn = 0;

  constructor(
    private readonly settings: GovernorSettings,
    private readonly model: string | undefined,
    restored: unknown,
    private readonly clock: () => number = Date.now,
  ) {
    const parsed = usageSchema.safeParse(restored);
    this.usage = parsed.success ? parsed.data : NO_USAGE;
    this.budget = settings.perInstance;
    this.collectiveBudget = settings.collective;
    this.lastMark = clock();
    this.guard = new LoopGuard(settings.maxIdenticalCalls, settings.maxMessagesPerPairPerMinute, clock);
    this.pacer = new CallPacer(settings.maxModelCallsPerMinute ?? 0, clock);
  }

  /** Whether the model's tokens have a price (from the config or the built-in table); unpriced ones cost $0. */
  get priced(): boolean {
    return findPrice(this.model, this.settings.prices) !== undefined;
  }

  /** The hooks a brain calls around each model call: pacing, live counting, and the budget check. */
  hooks(): ModelCallHooks {
    return {
      beforeCall: (signal) => this.pacer.wait(signal),
      afterCall: (usage) => this.recordModelCall(usage),
      stopReason: () => budgetExceeded(this.budget, this.usage, 'instance'),
    };
  }

  /** Counts one model call as it finishes, so budgets see a long turn's spending while it runs. */
  recordModelCall(usage: TurnUsage): Usage {
    this.callsThisTurn += 1;
    this.usage = addUsage(this.usage, { ...this.tokensOf(usage), modelCalls: usage.modelCalls ?? 1 });
    return this.usage;
  }

  /** Counts a finished turn: its time, and its tokens unless its model calls were counted one by one. */
  recordTurn(turn: { usage?: TurnUsage; effect: TurnEffect }): Usage {
    const now = this.clock();
    const counted = this.callsThisTurn > 0 || turn.usage === undefined;
    this.usage = addUsage(this.usage, {
      turns: 1,
      wallSeconds: (now - this.lastMark) / 1000,
      ...(counted || turn.usage === undefined ? {} : { ...this.tokensOf(turn.usage), modelCalls: turn.usage.modelCalls ?? 1 }),
    });
    this.callsThisTurn = 0;
    this.lastMark = now;
    if (turn.effect === 'nothing') this.turnsWithoutProgress += 1;
    else if (turn.effect !== 'unhandled') this.turnsWithoutProgress = 0;
    return this.usage;
  }

  /** Whether the last turns changed nothing (the next one should wait `minTurnGapMs`). */
  get stalled(): boolean {
    return this.turnsWithoutProgress > 0;
  }

  /** The pause before a turn that follows turns which changed nothing. */
  get minTurnGapMs(): number {
    return this.settings.minTurnGapMs ?? 0;
  }

  private tokensOf(usage: TurnUsage): Partial<Usage> {
    return {
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens ?? 0,
      cacheWriteTokens: usage.cacheWriteTokens ?? 0,
      reasoningTokens: usage.reasoningTokens ?? 0,
      costUsd: this.costOf(usage),
    };
  }

  /** A call's cost: a price configured for the model wins, then the cost the provider reported, then the built-in table. */
  private costOf(usage: TurnUsage): number {
    const model = this.model;
    const configured = model !== undefined && Object.keys(this.settings.prices).some((key) => model.startsWith(key));
    if (!configured && usage.costUsd !== undefined) return usage.costUsd;
    return costOf(priceOf(model, this.settings.prices), usage);
  }

  /** What this instance has used so far. */
  get used(): Usage {
    return this.usage;
  }

  /** Why the instance must pause now (its budget, the collective's, or no progress), or null. */
  async pauseReason(store: CollectiveStore, self: string): Promise<string | null> {
    const own = budgetExceeded(this.budget, this.usage, 'instance');
    if (own !== null) return own;
    if (this.turnsWithoutProgress >= this.settings.maxTurnsWithoutProgress) {
      return `no progress: ${this.turnsWithoutProgress} turns in a row only read, failed, or left messages unanswered`;
    }
    if (Object.values(this.collectiveBudget).every((value) => value === undefined || value === 0)) return null;
    let total = this.usage;
    for (const record of await store.listInstances()) {
      if (record.id === self) continue;
      const parsed = usageSchema.safeParse(record.metadata.usage);
      if (parsed.success) total = addUsage(total, parsed.data);
    }
    this.collectiveUsed = total;
    return budgetExceeded(this.collectiveBudget, total, 'collective');
  }

  /** The human said resume: reached limits grow by their original size; the no-progress count restarts. */
  resume(): void {
    this.budget = extendBudget(this.budget, this.usage, this.settings.perInstance);
    this.collectiveBudget = extendBudget(this.collectiveBudget, this.collectiveUsed, this.settings.collective);
    this.turnsWithoutProgress = 0;
    this.lastMark = this.clock();
  }
}
