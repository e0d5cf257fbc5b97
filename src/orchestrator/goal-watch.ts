import type { Proposal } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';

/** Did this closed proposal decide that the goal is met ("yes" won a proposal of kind `goal`)? */
export function goalVotePassed(proposal: Proposal): boolean {
  const winner = proposal.outcome?.winner ?? null;
  return proposal.kind === 'goal' && proposal.state === 'closed' && proposal.outcome?.status === 'decided' && winner?.trim().toLowerCase() === 'yes';
}

/**
 * Ends a run started with --until-done: once the goal is declared met (a consensus announced with goalMet, or a
 * "goal met?" vote that passed), the run ends as soon as no task is left claimed, so the final task is completed
 * rather than cut off; a claim still held after `graceMs` (its holder is stuck) no longer holds the run up.
 */
export class GoalWatch {
  private metAt: number | undefined;
  private by = '';
  private ended = false;

  constructor(
    private readonly store: CollectiveStore,
    private readonly graceMs: number,
    private readonly onEnd: (by: string) => void,
  ) {}

  /** The goal was declared met by `by` (first declaration counts). */
  declare(by: string): Promise<void> {
    if (this.metAt === undefined) {
      this.metAt = Date.now();
      this.by = by;
    }
    return this.check();
  }

  /** Looks at proposals that just closed for a passed "goal met?" vote. */
  async closed(proposals: readonly Proposal[]): Promise<void> {
    const passed = proposals.find(goalVotePassed);
    if (passed !== undefined) await this.declare(passed.createdBy);
    else await this.check();
  }

  /** Ends the run once declared and nothing is left claimed (or the grace period is over). */
  async check(): Promise<void> {
    if (this.metAt === undefined || this.ended) return;
    const claimed = await this.store.listTasks({ state: 'claimed' });
    if (claimed.length > 0 && Date.now() - this.metAt < this.graceMs) return;
    this.ended = true;
    this.onEnd(this.by);
  }
}
