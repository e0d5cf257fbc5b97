import type { Message } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';
import type { Governor } from '../governor/governor.js';
import type { InboxQueue } from './inbox-queue.js';
import type { InstanceStatusBoard } from './instance-status.js';
import type { Logger } from './instance-logger.js';
import type { StopRequests } from './stop-requests.js';

export interface PauseScope {
  id: string;
  store: CollectiveStore;
  board: InstanceStatusBoard;
  inbox: InboxQueue;
  stops: StopRequests;
  logger: Logger;
  stop: AbortSignal;
  governor: Governor | undefined;
}

/** How a pause ended; `stopBatch` holds the messages to accept the stop with (held ones included). */
export type PauseEnd = { kind: 'resumed' } | { kind: 'stopped'; stopBatch: Message[] };

/**
 * Pauses (nothing is killed): tells the human why and waits for "resume" or a stop; other messages that arrive
 * meanwhile wait their turn (they are put back in the inbox).
 */
export async function pauseUntilResumed(scope: PauseScope, why: string): Promise<PauseEnd> {
  const { id, store, board, inbox, stops, logger, stop } = scope;
  await board.publish('waiting', `paused: ${why}`);
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
      const batch = stops.fresh(inbox.drain());
      if (stops.stopsNow(batch)) return { kind: 'stopped', stopBatch: [...held.splice(0), ...batch] };
      const resume = batch.find((message) => message.from === 'human' && /^\s*resume\b/i.test(message.content));
      held.push(...batch.filter((message) => message !== resume));
      if (held.length > 0) logger.debug({ event: 'held', inbox: held.map((message) => message.seq) }, 'paused: held for after the pause');
      if (resume !== undefined) {
        scope.governor?.resume();
        logger.info({ event: 'resumed', by: resume.id }, 'resumed by the human');
        await store.publish({ from: id, to: 'human', type: 'answer', content: `${id} resumed.`, metadata: { governor: 'resumed', inReplyTo: resume.id } });
        return { kind: 'resumed' };
      }
    }
    return { kind: 'stopped', stopBatch: [] };
  } finally {
    inbox.putBack(held);
  }
}
