import type { ToolResult } from '../brain.js';

/**
 * Notices a model going round in circles within a turn: the same tool with the same input giving the same
 * result as before. The model gets a note instead of the result again; if a whole step after a note brings
 * nothing new, the turn should end.
 */
export class RepeatDetector {
  private readonly seen = new Map<string, string>();
  private notedEarlier = false;
  private newThisStep = false;
  private repeatsThisStep = 0;

  /** The result the model should see: `result`, or a note when this exact call already gave this exact result. */
  check(tool: string, input: unknown, result: ToolResult): ToolResult {
    const key = `${tool}\u0000${JSON.stringify(input)}`;
    const text = JSON.stringify(result);
    if (this.seen.get(key) !== text) {
      this.seen.set(key, text);
      this.newThisStep = true;
      return result;
    }
    this.repeatsThisStep += 1;
    return {
      ok: false,
      error: `repeat: ${tool} with this input already returned exactly this earlier in this turn; nothing changed since. Use what you have, do something else, or end the turn with a one-line summary.`,
    };
  }

  /** Called once after each step: whether the turn should stop (a note was given before, and this step again brought nothing new). */
  endStep(): boolean {
    const stop = this.notedEarlier && this.repeatsThisStep > 0 && !this.newThisStep;
    if (this.repeatsThisStep > 0) this.notedEarlier = true;
    this.newThisStep = false;
    this.repeatsThisStep = 0;
    return stop;
  }
}
