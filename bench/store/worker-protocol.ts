import { z } from 'zod';

/** What the bench parent tells a worker process: start the measured phase, or stop and report now. */
export const commandSchema = z.strictObject({ kind: z.enum(['go', 'stop']) });

export type Command = z.infer<typeof commandSchema>;

/** What a worker process tells the parent: it is set up, here is its result, or it failed (and why). */
export const workerReportSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ready') }),
  z.strictObject({ kind: z.literal('result'), result: z.unknown() }),
  z.strictObject({ kind: z.literal('failed'), error: z.string() }),
]);

export type WorkerReport = z.infer<typeof workerReportSchema>;

/** A writer (the store as `--store` names it: a SQLite file path or a postgres:// URL with ?schema=): publishes `count` messages of `contentBytes`, `window` in flight, optionally paced. */
export const writerConfigSchema = z.strictObject({
  storeSpec: z.string(),
  writerId: z.string(),
  count: z.number().int().nonnegative(),
  window: z.number().int().positive(),
  contentBytes: z.number().int().positive(),
  /** Stop early once this much time has passed since 'go'. */
  maxDurationMs: z.number().positive(),
  /** Messages per second for this writer; absent: as fast as possible. */
  ratePerSecond: z.number().positive().optional(),
  /** Delay of this writer's first paced message, so paced writers interleave. */
  phaseMs: z.number().nonnegative().optional(),
  /** Messages sent this soon after 'go' are marked `warmup` and left out of latency figures. */
  warmupMs: z.number().nonnegative().optional(),
});

export type WriterConfig = z.infer<typeof writerConfigSchema>;

/** What a writer did between 'go' and its last commit; times are wall-clock ms (shared by all processes). */
export const writerResultSchema = z.strictObject({
  written: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  firstError: z.string().optional(),
  startedAt: z.number(),
  finishedAt: z.number(),
  /** CPU (user + system) this process used between 'go' and its last commit, in µs. */
  cpuMicros: z.number().nonnegative(),
});

export type WriterResult = z.infer<typeof writerResultSchema>;

/** A follower of either store: `deliver` counts messages and their delivery latency; `idle` measures its own CPU. */
export const followerConfigSchema = z.strictObject({
  storeSpec: z.string(),
  mode: z.enum(['deliver', 'idle']),
  /** deliver: report once this many messages have arrived (or on 'stop'). */
  expected: z.number().int().nonnegative(),
  /** idle: length of the measured window after 'go'. */
  durationMs: z.number().positive(),
});

export type FollowerConfig = z.infer<typeof followerConfigSchema>;

/** What a follower saw; `latenciesMs` are receive − send per message that carried a send time. */
export const followerResultSchema = z.strictObject({
  received: z.number().int().nonnegative(),
  outOfOrder: z.number().int().nonnegative(),
  latenciesMs: z.array(z.number()),
  cpuMicros: z.number().nonnegative(),
  wallMs: z.number().nonnegative(),
});

export type FollowerResult = z.infer<typeof followerResultSchema>;

/** One process of the JSON-array baseline: a locked read-modify-write appender, or a polling reader. */
export const jsonArrayConfigSchema = z.strictObject({
  filePath: z.string(),
  role: z.enum(['writer', 'reader']),
  writerId: z.string(),
  count: z.number().int().nonnegative(),
  contentBytes: z.number().int().positive(),
  maxDurationMs: z.number().positive(),
  /** reader: how often it re-reads the whole file. */
  pollIntervalMs: z.number().positive(),
});

export type JsonArrayConfig = z.infer<typeof jsonArrayConfigSchema>;

/** What one JSON-array process did; a reader reports the longest array it saw as `written`. */
export const jsonArrayResultSchema = writerResultSchema;

/** The metadata every bench message carries: who sent it, when (wall-clock ms, sub-ms precision), and whether in warm-up. */
export const benchMetadataSchema = z.looseObject({ sentAt: z.number(), writer: z.string(), warmup: z.boolean().optional() });
