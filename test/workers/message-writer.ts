import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { openStore } from '../../src/store/index.js';
import { type MessageLine, fail, readWorkerConfig, watchParent } from './worker-io.js';

/**
 * Publishes messages from one registered instance and appends one line per message to `reportPath` right
 * after its publish() resolved: every line in the report is a write the store confirmed.
 * Publishes go out in bursts of 1..maxBurst issued in one event-loop turn (so group commit batches them),
 * in index order. count 0 means "until killed".
 */
const configSchema = z.strictObject({
  /** A store spec as `--store` takes it: a SQLite file path or a postgres:// URL with ?schema=. */
  store: z.string().min(1),
  instanceId: z.string(),
  reportPath: z.string(),
  count: z.number().int().nonnegative(),
  maxBurst: z.number().int().positive(),
  pauseMs: z.number().int().nonnegative(),
  /** Message ids `<idPrefix>_<index>`, the same in every life: a writer started again replays what its killed predecessor wrote. */
  idPrefix: z.string().min(1).optional(),
});

const config = readWorkerConfig(configSchema);
watchParent();
const store = await openStore(config.store, config.store);

function report(line: MessageLine): void {
  appendFileSync(config.reportPath, `${JSON.stringify(line)}\n`);
}

/** A small deterministic generator so each writer has its own mix of burst sizes. */
function burstSizes(seed: string): () => number {
  let state = [...seed].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7);
  return () => {
    // Math.imul keeps the product exact in 32 bits; the high bits of an LCG are the well-mixed ones.
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return 1 + ((state >>> 16) % config.maxBurst);
  };
}

async function run(): Promise<void> {
  const nextBurst = burstSizes(config.instanceId);
  let index = 0;
  while (config.count === 0 || index < config.count) {
    const size = config.count === 0 ? nextBurst() : Math.min(nextBurst(), config.count - index);
    const burst: Array<Promise<void>> = [];
    for (let i = 0; i < size; i += 1) {
      const sent = index;
      const published = store.publish({
        ...(config.idPrefix === undefined ? {} : { id: `${config.idPrefix}_${sent}` }),
        from: config.instanceId,
        to: 'broadcast',
        type: 'status',
        content: `${config.instanceId} message ${sent}`,
        metadata: { index: sent },
      });
      burst.push(published.then((message) => report({ seq: message.seq, id: message.id, from: message.from, index: sent })));
      index += 1;
    }
    await Promise.all(burst);
    if (config.pauseMs > 0) await sleep(config.pauseMs);
  }
  await store.close();
  process.exit(0);
}

run().catch(fail);
