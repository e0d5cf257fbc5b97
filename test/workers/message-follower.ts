import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { openStore } from '../../src/store/index.js';
import { type MessageLine, emit, fail, readWorkerConfig, watchParent } from './worker-io.js';

/**
 * Follows every message from seq 0 and appends one line per delivery to `reportPath` (buffered, flushed
 * every few ms and before exit). Stops after `untilCount` deliveries (0: follows until SIGTERM or until the
 * parent closes stdin). Malformed rows are reported on stderr by the store's default reporter.
 */
const configSchema = z.strictObject({
  /** A store spec as `--store` takes it: a SQLite file path or a postgres:// URL with ?schema=. */
  store: z.string().min(1),
  reportPath: z.string(),
  untilCount: z.number().int().nonnegative(),
  pollIntervalMs: z.number().int().positive(),
});

const config = readWorkerConfig(configSchema);
const store = await openStore(config.store, config.store, { pollIntervalMs: config.pollIntervalMs });
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
