import { createMessageArray, readMessageArray } from './json-array-file.js';
import { type Throughput, combineWriters } from './stats.js';
import { startWorkers, withTimeout } from './worker-pool.js';
import { type JsonArrayConfig, jsonArrayConfigSchema, jsonArrayResultSchema } from './worker-protocol.js';

const JSON_ARRAY_SCRIPT = new URL('./json-array-process.js', import.meta.url);

/** How the baseline run is shaped: the pre-fill, then `writers` appenders of at most `perWriter` each. */
export interface JsonArrayPlan {
  prefill: number;
  writers: number;
  perWriter: number;
  maxDurationMs: number;
  contentBytes: number;
  /** How often the one reader re-reads the whole file. */
  readerPollMs: number;
}

/** What the baseline run measured; `finalCount` checks that no append was lost. */
export interface JsonArrayRun {
  throughput: Throughput;
  finalCount: number;
  expectedCount: number;
}

/**
 * The seed's design under the same load as the store: `writers` processes appending under proper-lockfile
 * (read-modify-write, tmp + rename) and one process polling the file, all released together.
 */
export async function measureJsonArray(filePath: string, plan: JsonArrayPlan): Promise<JsonArrayRun> {
  await createMessageArray(filePath, plan.prefill, plan.contentBytes);
  const shape = { filePath, count: plan.perWriter, contentBytes: plan.contentBytes, maxDurationMs: plan.maxDurationMs, pollIntervalMs: plan.readerPollMs };
  const writerConfigs: JsonArrayConfig[] = Array.from({ length: plan.writers }, (_unused, index) =>
    jsonArrayConfigSchema.parse({ ...shape, role: 'writer', writerId: `instance_${index + 1}` }),
  );
  const readerConfig = jsonArrayConfigSchema.parse({ ...shape, role: 'reader', writerId: 'reader' });
  const writers = startWorkers(JSON_ARRAY_SCRIPT, writerConfigs, jsonArrayResultSchema);
  const reader = startWorkers(JSON_ARRAY_SCRIPT, [readerConfig], jsonArrayResultSchema);
  try {
    await withTimeout(Promise.all([writers.ready, reader.ready]), 60_000, 'starting the JSON-array processes');
    reader.send({ kind: 'go' });
    writers.send({ kind: 'go' });
    const throughput = combineWriters(await withTimeout(writers.results, plan.maxDurationMs + 60_000, 'the JSON-array writers'));
    reader.send({ kind: 'stop' });
    await withTimeout(reader.results, 30_000, 'the JSON-array reader');
    const finalCount = (await readMessageArray(filePath)).length;
    return { throughput, finalCount, expectedCount: plan.prefill + throughput.written };
  } finally {
    writers.kill();
    reader.kill();
  }
}
