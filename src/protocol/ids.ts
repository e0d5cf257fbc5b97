import { z } from 'zod';

/** Every id in the protocol: lower-case, starts with a letter, at most 64 chars; safe to build a file name from. */
export const ID_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** Names that address something other than one instance; never valid as an instance id. */
export const RESERVED_ADDRESSES = ['broadcast', 'human', 'orchestrator'] as const;

/** A generic protocol id (task, proposal, memory item, message). */
export const idSchema = z
  .string()
  .regex(ID_PATTERN, 'ids are lower-case letters, digits, "_" or "-", start with a letter, at most 64 chars');

/** An instance id: a protocol id that is not a reserved address (`instance_1` … `instance_N`, or a remote one). */
export const instanceIdSchema = idSchema.refine(
  (value) => !(RESERVED_ADDRESSES as readonly string[]).includes(value),
  { message: 'broadcast, human and orchestrator are reserved and cannot be instance ids' },
);

/** Where a message may go: one instance, every instance, or the human. */
export const recipientSchema = z.union([z.literal('broadcast'), z.literal('human'), instanceIdSchema]);

/** Who may send a message: an instance, the human, or the orchestrator. */
export const senderSchema = z.union([z.literal('human'), z.literal('orchestrator'), instanceIdSchema]);

export type InstanceId = z.infer<typeof instanceIdSchema>;
export type Recipient = z.infer<typeof recipientSchema>;
export type Sender = z.infer<typeof senderSchema>;

/** The conventional id of the n-th instance a run spawns (1-based). */
export function instanceIdFor(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`instance number must be a positive integer, got ${n}`);
  return `instance_${n}`;
}
