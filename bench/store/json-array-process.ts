import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs } from './bench-clock.js';
import { appendUnderLock, readMessageArray, seedMessage } from './json-array-file.js';
import { type JsonArrayConfig, type WriterResult, jsonArrayConfigSchema } from './worker-protocol.js';
import { commandReceived, reportReady, reportResult, runWorker, startWorker } from './worker-side.js';

/** Appends up to `count` messages one after another, each under the lock, until the time cap. */
async function write(config: JsonArrayConfig, startedAt: number): Promise<WriterResult> {
  const cpuBefore = process.cpuUsage();
  const deadline = startedAt + config.maxDurationMs;
  let written = 0;
  while (written < config.count && nowMs() < deadline) {
    await appendUnderLock(config.filePath, seedMessage(config.writerId, config.contentBytes));
    written += 1;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { written, failed: 0, startedAt, finishedAt: nowMs(), cpuMicros: cpu.user + cpu.system };
}

/** Re-reads the whole file every poll interval (how the seed's readers saw new messages) until 'stop'. */
async function read(config: JsonArrayConfig, startedAt: number): Promise<WriterResult> {
  const cpuBefore = process.cpuUsage();
  let stopped = false;
  const stop = commandReceived('stop').then(() => {
    stopped = true;
  });
  let longest = 0;
  while (!stopped) {
    longest = Math.max(longest, (await readMessageArray(config.filePath)).length);
    await Promise.race([sleep(config.pollIntervalMs), stop]);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { written: longest, failed: 0, startedAt, finishedAt: nowMs(), cpuMicros: cpu.user + cpu.system };
}

runWorker(async () => {
  const config = startWorker(jsonArrayConfigSchema);
  await reportReady();
  await commandReceived('go');
  const startedAt = nowMs();
  await reportResult(config.role === 'writer' ? await write(config, startedAt) : await read(config, startedAt));
});
