import { z } from 'zod';
import { openWorkerStore, postgresStoreConfig } from './postgres-worker-store.js';
import { emit, fail, readWorkerConfig, watchParent } from './worker-io.js';

/**
 * The PostgreSQL twin of task-claimer.ts: the same behaviour and output, against the collective at `url` + `schema`.
 *
 * Claims and completes tasks until claimNext() answers null, then prints one `drained` line listing every
 * task whose completeTask() call succeeded in this process. Any error is fatal (exit 1).
 */
const configSchema = z.strictObject({
  ...postgresStoreConfig,
  instanceId: z.string(),
  leaseMs: z.number().int().positive(),
});

const config = readWorkerConfig(configSchema);
watchParent();
const store = openWorkerStore(config);

async function run(): Promise<void> {
  const completed: string[] = [];
  let claims = 0;
  for (;;) {
    const task = await store.claimNext(config.instanceId, { leaseMs: config.leaseMs });
    if (task === null) break;
    claims += 1;
    if (task.owner !== config.instanceId) throw new Error(`claimNext returned task ${task.id} owned by ${String(task.owner)}`);
    const done = await store.completeTask(task.id, config.instanceId, { result: `done by ${config.instanceId}`, evidence: ['x'] });
    if (done.state !== 'done') throw new Error(`completeTask left task ${task.id} ${done.state}`);
    completed.push(done.id);
  }
  emit({ event: 'drained', instanceId: config.instanceId, completed, claims });
  await store.close();
  process.exit(0);
}

run().catch(fail);
