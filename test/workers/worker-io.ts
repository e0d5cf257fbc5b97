import { z } from 'zod';
import { parseJsonRecord } from '../../src/protocol/index.js';
import { StoreError } from '../../src/store/index.js';

/**
 * What crosses the boundary between the multi-process tests and their worker processes. Both sides parse
 * with these schemas: the worker its JSON config (argv[2]) and stdin commands, the test the workers'
 * stdout lines and report files.
 */

/** One message as a writer saw it returned by publish(), or as a follower saw it delivered. */
export const messageLineSchema = z.strictObject({
  seq: z.number().int().positive(),
  id: z.string().min(1),
  from: z.string().min(1),
  /** The writer's own publish counter (metadata.index); null for messages without one. */
  index: z.number().int().nonnegative().nullable(),
});
export type MessageLine = z.infer<typeof messageLineSchema>;

/** Lines a follower prints on stdout (its deliveries go to its report file). */
export const followerEventSchema = z.discriminatedUnion('event', [
  z.strictObject({ event: z.literal('following') }),
  z.strictObject({ event: z.literal('done'), count: z.number().int().nonnegative() }),
]);

/** The one line a task claimer prints when the board is empty. */
export const claimerReportSchema = z.strictObject({
  event: z.literal('drained'),
  instanceId: z.string(),
  completed: z.array(z.string()),
  claims: z.number().int().nonnegative(),
});

/** Commands a task agent reads from stdin, one JSON object per line. */
export const taskAgentCommandSchema = z.discriminatedUnion('command', [
  z.strictObject({ command: z.literal('claim'), taskId: z.string(), leaseMs: z.number().int().positive() }),
  /** Retries claimTask every `retryMs` while it answers `conflict`, until it wins. */
  z.strictObject({ command: z.literal('claim-until-won'), taskId: z.string(), leaseMs: z.number().int().positive(), retryMs: z.number().int().positive() }),
  z.strictObject({ command: z.literal('complete'), taskId: z.string(), result: z.string() }),
]);
export type TaskAgentCommand = z.infer<typeof taskAgentCommandSchema>;

/** What a task agent answers on stdout, one JSON object per line. */
export const taskAgentEventSchema = z.discriminatedUnion('event', [
  z.strictObject({ event: z.literal('ready'), instanceId: z.string() }),
  z.strictObject({
    event: z.literal('claimed'),
    taskId: z.string(),
    owner: z.string(),
    epoch: z.number().int(),
    leaseExpiresAt: z.string(),
    /** How many `conflict` answers came before the win (claim-until-won). */
    conflicts: z.number().int().nonnegative(),
    /** Date.now() right after the winning call returned. */
    wonAt: z.number(),
  }),
  z.strictObject({ event: z.literal('completed'), taskId: z.string(), owner: z.string() }),
  z.strictObject({ event: z.literal('refused'), taskId: z.string(), code: z.string(), message: z.string() }),
]);
export type TaskAgentEvent = z.infer<typeof taskAgentEventSchema>;

/** Parses the worker's JSON config from argv[2]. */
export function readWorkerConfig<S extends z.ZodType>(schema: S): z.output<S> {
  const text = process.argv[2];
  if (text === undefined) throw new Error('missing the JSON config argument');
  return parseJsonRecord(schema, text, 'worker config');
}

/** Writes one JSON line on stdout. */
export function emit(event: unknown): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** The error's store code when it has one, else its name. */
export function errorCode(error: unknown): string {
  if (StoreError.isInstance(error)) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

/** Reports a fatal error on stderr and exits 1. */
export function fail(error: unknown): never {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`worker failed [${errorCode(error)}]: ${text}\n`);
  process.exit(1);
}

/**
 * Exits when the parent goes away (stdin closes): a crashed test run leaves no orphan workers behind.
 * `onLine` receives each stdin line when the worker takes commands.
 */
export function watchParent(onLine?: (line: string) => void): void {
  let pending = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.trim().length > 0) onLine?.(line);
      newline = pending.indexOf('\n');
    }
  });
  process.stdin.on('end', () => process.exit(0));
}

/** The one line a run-lock taker prints: whether it got the run directory's lock. */
export const lockTakerEventSchema = z.strictObject({ event: z.enum(['acquired', 'refused']), pid: z.number().int().positive() });

/** Commands a run-lock contender reads from stdin: try to take the lock at `startAt` (wall clock), or let it go. */
export const lockContenderCommandSchema = z.discriminatedUnion('command', [
  z.strictObject({ command: z.literal('try'), startAt: z.number() }),
  z.strictObject({ command: z.literal('release') }),
]);

/** What a run-lock contender answers to each command. */
export const lockContenderEventSchema = z.strictObject({ event: z.enum(['acquired', 'refused', 'released']), pid: z.number().int().positive() });
