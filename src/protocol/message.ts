import { z } from 'zod';
import { boundedText, metadataSchema, timestampSchema } from './common.js';
import { idSchema, recipientSchema, senderSchema } from './ids.js';
import { MAX_CONTENT_BYTES } from './limits.js';

/** Version of the message record layout; stored beside every row. */
export const MESSAGE_SCHEMA_VERSION = 1;

/** Every message type the protocol knows. Anything else is rejected. */
export const MESSAGE_TYPES = [
  'finding',
  'question',
  'answer',
  'task_complete',
  'task_failed',
  'proposal',
  'vote',
  'consensus',
  'status',
  'control',
] as const;

export const messageTypeSchema = z.enum(MESSAGE_TYPES, {
  error: (issue) => `unknown message type ${JSON.stringify(issue.input)}; expected one of ${MESSAGE_TYPES.join(', ')}`,
});

export type MessageType = z.infer<typeof messageTypeSchema>;

/** Message content: text of at most 64 KiB. */
export const contentSchema = boundedText(MAX_CONTENT_BYTES, 'content');

/** A stored message: exactly the seed's fields. `seq` is assigned by the store and strictly increasing. */
export const messageSchema = z.strictObject({
  id: idSchema,
  seq: z.number().int().positive(),
  from: senderSchema,
  to: recipientSchema,
  type: messageTypeSchema,
  timestamp: timestampSchema,
  content: contentSchema,
  metadata: metadataSchema,
});

export type Message = z.infer<typeof messageSchema>;

/** What a sender supplies; the store fills in `seq`, and `id`/`timestamp` when absent. */
export const newMessageSchema = z.strictObject({
  id: idSchema.optional(),
  from: senderSchema,
  to: recipientSchema,
  type: messageTypeSchema,
  timestamp: timestampSchema.optional(),
  content: contentSchema,
  metadata: metadataSchema.optional(),
});

export type NewMessage = z.input<typeof newMessageSchema>;
