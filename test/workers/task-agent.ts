import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseJsonRecord } from '../../src/protocol/index.js';
import { StoreError, openStore } from '../../src/store/index.js';
import { type TaskAgentCommand, emit, errorCode, fail, readWorkerConfig, taskAgentCommandSchema, watchParent } from './worker-io.js';

/**
 * A remote-controlled task owner: reads one command per stdin line (claim, claim-until-won, complete),
 * runs it against the store and answers one JSON line per command, in order. Lets a test stop the process
 * (SIGSTOP) between a claim and a completion to play a stalled ex-owner.
 */
const configSchema = z.strictObject({
  /** A store spec as `--store` takes it: a SQLite file path or a postgres:// URL with ?schema=. */
  store: z.string().min(1),
  instanceId: z.string(),
});

const config = readWorkerConfig(configSchema);
const store = await openStore(config.store, config.store);

async function claimOnce(taskId: string, leaseMs: number, conflicts: number): Promise<void> {
  const task = await store.claimTask(taskId, config.instanceId, { leaseMs });
  const wonAt = Date.now();
  emit({ event: 'claimed', taskId, owner: task.owner ?? '', epoch: task.epoch, leaseExpiresAt: task.leaseExpiresAt ?? '', conflicts, wonAt });
}

async function claimUntilWon(taskId: string, leaseMs: number, retryMs: number): Promise<void> {
  for (let conflicts = 0; ; conflicts += 1) {
    try {
      return await claimOnce(taskId, leaseMs, conflicts);
    } catch (error) {
      if (!StoreError.hasCode(error, 'conflict')) throw error;
      await sleep(retryMs);
    }
  }
}

async function execute(command: TaskAgentCommand): Promise<void> {
  switch (command.command) {
    case 'claim':
      return claimOnce(command.taskId, command.leaseMs, 0).catch((error: unknown) => {
        emit({ event: 'refused', taskId: command.taskId, code: errorCode(error), message: String(error) });
      });
    case 'claim-until-won':
      return claimUntilWon(command.taskId, command.leaseMs, command.retryMs);
    case 'complete':
      try {
        const task = await store.completeTask(command.taskId, config.instanceId, { result: command.result, evidence: ['x'] });
        emit({ event: 'completed', taskId: task.id, owner: task.owner ?? '' });
      } catch (error) {
        if (!StoreError.isInstance(error)) throw error;
        emit({ event: 'refused', taskId: command.taskId, code: error.code, message: error.message });
      }
  }
}

// Commands run one after another, in arrival order.
let queue: Promise<void> = Promise.resolve();
watchParent((line) => {
  const command = parseJsonRecord(taskAgentCommandSchema, line, 'task agent command');
  queue = queue.then(() => execute(command)).catch(fail);
});
emit({ event: 'ready', instanceId: config.instanceId });
