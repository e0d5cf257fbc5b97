import { type CollectiveStore, openStore } from '../../src/store/index.js';
import { benchContent, nowMs, sleepUntil } from './bench-clock.js';
import { type WriterConfig, type WriterResult, writerConfigSchema } from './worker-protocol.js';
import { commandReceived, reportReady, reportResult, runWorker, startWorker } from './worker-side.js';

/**
 * Publishes `config.count` messages keeping at most `config.window` publishes in flight, so the store's
 * group commit can share one transaction among them (window 1 = await every publish). When paced, message
 * k is published at start + phase + k / rate. Each message carries its send time in `metadata.sentAt`, and
 * `metadata.warmup` while within `warmupMs` of the start.
 */
async function publishAll(store: CollectiveStore, config: WriterConfig, startedAt: number): Promise<WriterResult> {
  const cpuBefore = process.cpuUsage();
  const inFlight = new Set<Promise<void>>();
  const content = benchContent(config.contentBytes, config.writerId);
  const deadline = startedAt + config.maxDurationMs;
  const intervalMs = config.ratePerSecond === undefined ? 0 : 1000 / config.ratePerSecond;
  const firstAt = startedAt + (config.phaseMs ?? 0);
  const warmupEnd = startedAt + (config.warmupMs ?? 0);
  let written = 0;
  let failed = 0;
  let firstError: string | undefined;
  for (let index = 0; index < config.count; index += 1) {
    if (intervalMs > 0) await sleepUntil(firstAt + index * intervalMs);
    while (inFlight.size >= config.window) await Promise.race(inFlight);
    const sentAt = nowMs();
    if (sentAt > deadline) break;
    const metadata = sentAt < warmupEnd ? { sentAt, writer: config.writerId, warmup: true } : { sentAt, writer: config.writerId };
    const pending: Promise<void> = store
      .publish({ from: config.writerId, to: 'broadcast', type: 'finding', content, metadata })
      .then(
        () => {
          written += 1;
        },
        (error: unknown) => {
          failed += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
  }
  await Promise.all(inFlight);
  const cpu = process.cpuUsage(cpuBefore);
  const result: WriterResult = { written, failed, startedAt, finishedAt: nowMs(), cpuMicros: cpu.user + cpu.system };
  if (firstError !== undefined) result.firstError = firstError;
  return result;
}

runWorker(async () => {
  const config = startWorker(writerConfigSchema);
  const store = await openStore(config.storeSpec, config.storeSpec);
  try {
    // Connected (and, for PostgreSQL, migrated) before the clock starts.
    await store.lastMessageSeq();
    await reportReady();
    await commandReceived('go');
    const result = await publishAll(store, config, nowMs());
    await store.close();
    await reportResult(result);
  } finally {
    await store.close();
  }
});
