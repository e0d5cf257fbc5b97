import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { openStore } from '../../src/store/index.js';
import { emit, fail, readWorkerConfig, watchParent } from './worker-io.js';

/**
 * Claims and completes tasks until claimNext() answers null, then prints one `drained` line listing every
 * task whose completeTask() call succeeded in this process. Any error is fatal (exit 1).
 */
const configSchema = z.strictObject({
  /** A store spec as `--store` takes it: a SQLite file path or a postgres:// URL with ?schema=. */
  store: z.string().min(1),
  instanceId: z.string(),
  leaseMs: z.number().int().positive(),
  /** Time spent "working" on each task between its claim and its completion (a slow claimer holds a lease). */
  workMs: z.number().int().nonnegative().default(0),
});

const config = readWorkerConfig(configSchema);
watchParent();
const store = await openStore(config.store, config.store);

async function run(): Promise<void> {
  const completed: string[] = [];
  let claims = 0;
  for (;;) {
    const task = await store.claimNext(config.instanceId, { leaseMs: config.leaseMs });
    if (task === null) break;
    claims += 1;
    if (task.owner !== config.instanceId) throw new Error(`claimNext returned task ${task.id} owned by ${String(task.owner)}`);
    if (config.workMs > 0) await sleep(config.workMs);
    const done = await store.completeTask(task.id, config.instanceId, { result: `done by ${config.instanceId}`, evidence: ['x'] });
    if (done.state !== 'done') throw new Error(`completeTask left task ${task.id} ${done.state}`);
    completed.push(done.id);
  }
  emit({ event: 'drained', instanceId: config.instanceId, completed, claims });
  await store.close();
  process.exit(0);
}

run().catch(fail);
