import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { benchContent, nowMs } from './bench-clock.js';

/**
 * The seed's literal message log: one `.shared_messages.json` holding a JSON array of every message,
 * rewritten whole for each append under a file lock, written to a tmp file then renamed into place.
 */

/** A message as the seed's file holds it (the seed has no sequence numbers). */
export interface SeedMessage {
  id: string;
  from: string;
  to: string;
  type: string;
  timestamp: string;
  content: string;
  metadata: Record<string, unknown>;
}

/** The file is only checked to be an array: its items are copied back unchanged, like the seed did. */
const messageArraySchema = z.array(z.unknown());

/** proper-lockfile's retry schedule: short waits, so the baseline is not slowed by sleeping on a free lock. */
const LOCK_OPTIONS = {
  stale: 10_000,
  retries: { retries: 100_000, factor: 1.2, minTimeout: 2, maxTimeout: 25, randomize: true },
} as const;

/** A seed-shaped message of `contentBytes` bytes of content, carrying its send time like the SQLite bench. */
export function seedMessage(writerId: string, contentBytes: number): SeedMessage {
  const sentAt = nowMs();
  return {
    id: `msg_${Math.floor(sentAt).toString(36)}${randomBytes(6).toString('hex')}`,
    from: writerId,
    to: 'broadcast',
    type: 'finding',
    timestamp: new Date(sentAt).toISOString(),
    content: benchContent(contentBytes, writerId),
    metadata: { sentAt, writer: writerId },
  };
}

/** Reads the whole array (unlocked: the tmp+rename writes mean a reader always sees a complete file). */
export async function readMessageArray(filePath: string): Promise<unknown[]> {
  return messageArraySchema.parse(JSON.parse(await readFile(filePath, 'utf8')) as unknown);
}

async function writeMessageArray(filePath: string, messages: readonly unknown[]): Promise<void> {
  const temporary = `${filePath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, JSON.stringify(messages, null, 2));
  await rename(temporary, filePath);
}

/** Creates the file holding `count` messages (the pre-fill), replacing whatever was there. */
export async function createMessageArray(filePath: string, count: number, contentBytes: number): Promise<void> {
  const messages = Array.from({ length: count }, (_unused, index) => seedMessage(`instance_${(index % 4) + 1}`, contentBytes));
  await writeMessageArray(filePath, messages);
}

/** Appends one message the seed's way: lock, read the whole array, push, write tmp, rename, unlock. */
export async function appendUnderLock(filePath: string, message: SeedMessage): Promise<void> {
  const release = await lockfile.lock(filePath, LOCK_OPTIONS);
  try {
    const messages = await readMessageArray(filePath);
    messages.push(message);
    await writeMessageArray(filePath, messages);
  } finally {
    await release();
  }
}
