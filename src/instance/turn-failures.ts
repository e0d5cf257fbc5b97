import { createHash } from 'node:crypto';
import type { Message } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';

/** How many times in a row a batch may make a turn fail before its messages are set aside. */
export const TURN_ATTEMPTS_PER_BATCH = 2;

/** Why a turn failed, in one line a human can read (no stack trace). */
export function failureText(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line || 'unknown error';
}

/**
 * Counts failed turns per inbox batch. A batch that made the turn fail TURN_ATTEMPTS_PER_BATCH times in a row is
 * "poison": its messages are set aside (answered with the reason, cursor moved past them) so the instance goes on
 * instead of failing on them forever. A failed turn with an empty inbox is retried after a back-off.
 */
export class TurnFailures {
  private key = '';
  private count = 0;

  /** Records a failure of a turn over `batch`; true when the batch should now be set aside. */
  record(batch: readonly Message[]): boolean {
    const key = batch.map((message) => message.id).join(',');
    this.count = key === this.key ? this.count + 1 : 1;
    this.key = key;
    return batch.length > 0 && this.count >= TURN_ATTEMPTS_PER_BATCH;
  }

  /** Consecutive failures so far (for the back-off of an empty-inbox failure). */
  get consecutive(): number {
    return this.count;
  }

  reset(): void {
    this.key = '';
    this.count = 0;
  }
}

/**
 * Sets aside messages no turn could handle: each sender that can read a reply (the human, or a peer that asked)
 * gets one saying so and why, and the instance's log keeps the rest. Returns how many replies were sent.
 */
export async function setAside(store: CollectiveStore, self: string, batch: readonly Message[], reason: string): Promise<number> {
  let replies = 0;
  for (const message of batch) {
    if (message.from === self || message.from === 'orchestrator') continue;
    if (message.from !== 'human' && message.type !== 'question') continue;
    await store.publish({
      id: `setaside_${createHash('sha256').update(`${self}\n${message.id}`).digest('hex').slice(0, 24)}`,
      from: self,
      to: message.from,
      type: 'answer',
      content: `I could not handle your message and have set it aside: ${reason}`,
      metadata: { inReplyTo: message.id, setAside: true, reason },
    });
    replies += 1;
  }
  return replies;
}
