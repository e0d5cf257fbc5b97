import { z } from 'zod';
import { boundedText, shortText, timestampSchema } from './common.js';
import { idSchema, senderSchema } from './ids.js';
import { MAX_CONTENT_BYTES } from './limits.js';

export const MEMORY_SCHEMA_VERSION = 1;

export const MEMORY_KINDS = ['finding', 'synthesis', 'decision'] as const;
export const memoryKindSchema = z.enum(MEMORY_KINDS);
export type MemoryKind = z.infer<typeof memoryKindSchema>;

/** Said for a missing, non-numeric or out-of-range importance (zod's default names only the type it expected). */
const IMPORTANCE_REQUIRED = 'a number from 0 to 1 is required (how much the item matters to the goal)';
const importanceSchema = z.number({ error: IMPORTANCE_REQUIRED }).min(0, { error: IMPORTANCE_REQUIRED }).max(1, { error: IMPORTANCE_REQUIRED });

export const tagSchema = shortText(64).refine((value) => value.length > 0, 'tag is empty');

/** One item of collective memory. Syntheses link to the findings they came from through `sourceIds`. */
export const memoryItemSchema = z.strictObject({
  id: idSchema,
  kind: memoryKindSchema,
  content: boundedText(MAX_CONTENT_BYTES, 'memory content').refine((value) => value.length > 0, 'memory content is empty'),
  tags: z.array(tagSchema).max(50),
  importance: importanceSchema,
  author: senderSchema,
  sourceIds: z.array(idSchema).max(200),
  createdAt: timestampSchema,
});
export type MemoryItem = z.infer<typeof memoryItemSchema>;

export const newMemoryItemSchema = memoryItemSchema.extend({
  id: idSchema.optional(),
  tags: z.array(tagSchema).max(50).optional(),
  sourceIds: z.array(idSchema).max(200).optional(),
  createdAt: timestampSchema.optional(),
});
export type NewMemoryItem = z.input<typeof newMemoryItemSchema>;
