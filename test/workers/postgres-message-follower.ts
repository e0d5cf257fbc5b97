import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { openWorkerStore, postgresStoreConfig } from './postgres-worker-store.js';
import { type MessageLine, emit, fail, readWorkerConfig, watchParent } from './worker-io.js';

/**
 * The PostgreSQL twin of message-follower.ts: the same behaviour and output, against the collective at `url` + `schema`.
 *
 * Follows every message from seq 0 and appends one line per delivery to `reportPath` (buffered, flushed
 * every few ms and before exit). Stops after `untilCount` deliveries (0: follows until SIGTERM or until the
 * parent closes stdin). Malformed rows are reported on stderr by the store's default reporter.
 */
const configSchema = z.strictObject({
  ...postgresStoreConfig,
  reportPath: z.string(),
  untilCount: z.number().int().nonnegative(),
  pollIntervalMs: z.number().int().positive(),
});

const config = readWorkerConfig(configSchema);
const store = openWorkerStore(config, { pollIntervalMs: config.pollIntervalMs });
const abort = new AbortController();
let buffered: string[] = [];

function flush(): void {
  if (buffered.length === 0) return;
  appendFileSync(config.reportPath, buffered.join(''));
  buffered = [];
}

function stop(): void {
  flush();
  abort.abort();
  process.exit(0);
}

watchParent();
process.on('SIGTERM', stop);
setInterval(flush, 10);

async function run(): Promise<void> {
  let count = 0;
  emit({ event: 'following' });
  for await (const message of store.followMessages({ all: true }, { after: 0, signal: abort.signal })) {
    const index = message.metadata['index'];
    const line: MessageLine = { seq: message.seq, id: message.id, from: message.from, index: typeof index === 'number' ? index : null };
    buffered.push(`${JSON.stringify(line)}\n`);
    count += 1;
    if (config.untilCount > 0 && count >= config.untilCount) break;
  }
  flush();
  emit({ event: 'done', count });
  await store.close();
  process.exit(0);
}

run().catch(fail);
