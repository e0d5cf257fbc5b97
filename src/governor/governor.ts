import type { TurnUsage } from './usage.js';
import type { CollectiveStore } from '../store/index.js';
import { type Budget, type GovernorSettings, NO_USAGE, type Usage, addUsage, budgetExceeded, extendBudget, usageSchema } from './budget.js';
import { LoopGuard } from './loop-guard.js';
import { costOf, priceOf } from './price-table.js';

/**
 * Keeps one instance within its budgets and out of loops: counts turns, tokens, cost and time (persisted in
 * the registry so a restart continues the count), refuses looping tool calls, and says when the instance must
 * pause and ask the human. It never kills anything.
 */
export class Governor {
  readonly guard: LoopGuard;
  private usage: Usage;
  private budget: Budget;
  private collectiveBudget: Budget;
  private collectiveUsed: Usage = NO_USAGE;
  private lastMark: number;
  private turnsWithoutProgress = 0;

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
  }

  /** Counts a finished turn. Progress = at least one tool call worked, or there was nothing to answer. */
  recordTurn(turn: { usage?: TurnUsage; successfulCalls: number; inboxSize: number }): Usage {
    const now = this.clock();
    const input = turn.usage?.inputTokens ?? 0;
    const output = turn.usage?.outputTokens ?? 0;
    this.usage = addUsage(this.usage, {
      turns: 1,
      inputTokens: input,
      outputTokens: output,
      costUsd: this.costOf(turn.usage, input, output),
      wallSeconds: (now - this.lastMark) / 1000,
      // A brain that does not count its requests made one when it reported usage, none when it did not.
      modelCalls: turn.usage?.modelCalls ?? (turn.usage === undefined ? 0 : 1),
      cachedInputTokens: turn.usage?.cachedInputTokens ?? 0,
    });
    this.lastMark = now;
    this.turnsWithoutProgress = turn.successfulCalls === 0 && turn.inboxSize > 0 ? this.turnsWithoutProgress + 1 : 0;
    return this.usage;
  }

  /** A turn's cost: a price configured for the model wins, then the cost the provider reported, then the built-in table. */
  private costOf(usage: TurnUsage | undefined, input: number, output: number): number {
    const model = this.model;
    const configured = model !== undefined && Object.keys(this.settings.prices).some((key) => model.startsWith(key));
    if (!configured && usage?.costUsd !== undefined) return usage.costUsd;
    return costOf(priceOf(model, this.settings.prices), input, output);
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
      return `no progress: ${this.turnsWithoutProgress} turns in a row had messages to handle but no tool call worked`;
    }
    if (Object.keys(this.collectiveBudget).length === 0) return null;
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
