/** Refuses tool calls that look like a loop: the same call again and again, or a flood of messages to one peer. */
export class LoopGuard {
  private readonly recent: string[] = [];
  private readonly sends = new Map<string, number[]>();

  constructor(
    private readonly maxIdenticalCalls: number,
    private readonly maxMessagesPerPairPerMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The reason to refuse this call, or null to let it run (and count it). */
  check(tool: string, input: unknown): string | null {
    const signature = `${tool}\u0000${JSON.stringify(input)}`;
    const repeats = this.recent.filter((entry) => entry === signature).length;
    if (repeats + 1 >= this.maxIdenticalCalls) {
      return `loop guard: ${tool} was called with the same input ${repeats + 1} times in a row of recent calls; do something different`;
    }
    const recipient = tool === 'send_message' || tool === 'ask' || tool === 'answer' ? recipientOf(input) : undefined;
    if (recipient !== undefined) {
      const now = this.clock();
      const times = (this.sends.get(recipient) ?? []).filter((time) => now - time < 60_000);
      if (times.length >= this.maxMessagesPerPairPerMinute) {
        return `loop guard: already ${times.length} messages to ${recipient} in the last minute; wait for replies`;
      }
      times.push(now);
      this.sends.set(recipient, times);
    }
    this.recent.push(signature);
    if (this.recent.length > 20) this.recent.shift();
    return null;
  }
}

function recipientOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || !('to' in input)) return 'broadcast';
  return typeof input.to === 'string' ? input.to : undefined;
}
