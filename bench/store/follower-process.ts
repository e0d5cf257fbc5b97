import { setTimeout as sleep } from 'node:timers/promises';
import { type CollectiveStore, openStore } from '../../src/store/index.js';
import { nowMs } from './bench-clock.js';
import { type FollowerConfig, type FollowerResult, benchMetadataSchema, followerConfigSchema } from './worker-protocol.js';
import { commandReceived, reportReady, reportResult, runWorker, startWorker } from './worker-side.js';

/** Time for a new follower to make its first read and start watching the WAL before it says it is ready. */
const SETTLE_MS = 300;

interface Tally {
  received: number;
  outOfOrder: number;
  latenciesMs: number[];
}

/** Follows every message after the current end until `expected` have arrived or the signal aborts. */
async function follow(store: CollectiveStore, expected: number, signal: AbortSignal, tally: Tally): Promise<void> {
  const after = await store.lastMessageSeq();
  let lastSeq = after;
  for await (const message of store.followMessages({ all: true }, { after, signal })) {
    const receivedAt = nowMs();
    tally.received += 1;
    if (message.seq <= lastSeq) tally.outOfOrder += 1;
    lastSeq = message.seq;
    const metadata = benchMetadataSchema.safeParse(message.metadata);
    if (metadata.success && metadata.data.warmup !== true) tally.latenciesMs.push(receivedAt - metadata.data.sentAt);
    if (expected > 0 && tally.received >= expected) return;
  }
}

/** deliver: ready at once; reports when `expected` messages arrived or on 'stop'. */
async function deliver(store: CollectiveStore, config: FollowerConfig): Promise<FollowerResult> {
  const controller = new AbortController();
  const tally: Tally = { received: 0, outOfOrder: 0, latenciesMs: [] };
  const cpuBefore = process.cpuUsage();
  const startedAt = nowMs();
  const following = follow(store, config.expected, controller.signal, tally);
  following.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  await sleep(SETTLE_MS);
  await reportReady();
  await Promise.race([following, commandReceived('stop')]);
  controller.abort();
  await following;
  const cpu = process.cpuUsage(cpuBefore);
  return { ...tally, cpuMicros: cpu.user + cpu.system, wallMs: nowMs() - startedAt };
}

/** idle: follows in the background; measures this process's CPU for `durationMs` after 'go'. */
async function idle(store: CollectiveStore, config: FollowerConfig): Promise<FollowerResult> {
  const controller = new AbortController();
  const tally: Tally = { received: 0, outOfOrder: 0, latenciesMs: [] };
  const following = follow(store, 0, controller.signal, tally);
  following.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  await sleep(SETTLE_MS);
  await reportReady();
  await commandReceived('go');
  const cpuBefore = process.cpuUsage();
  const startedAt = nowMs();
  await sleep(config.durationMs);
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = nowMs() - startedAt;
  controller.abort();
  await following;
  return { ...tally, cpuMicros: cpu.user + cpu.system, wallMs };
}

runWorker(async () => {
  const config = startWorker(followerConfigSchema);
  const store = await openStore(config.storeSpec, config.storeSpec);
  try {
    const result = config.mode === 'deliver' ? await deliver(store, config) : await idle(store, config);
    await store.close();
    await reportResult(result);
  } finally {
    await store.close();
  }
});
