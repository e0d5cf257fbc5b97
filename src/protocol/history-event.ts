import { z } from 'zod';
import { timestampSchema } from './common.js';

export const HISTORY_SCHEMA_VERSION = 1;

/** What a history event is about. */
export const HISTORY_KINDS = ['message', 'instance', 'task', 'proposal', 'vote', 'memory', 'lease'] as const;
export const historyKindSchema = z.enum(HISTORY_KINDS);
export type HistoryKind = z.infer<typeof historyKindSchema>;

/**
 * One change in the collective's single ordered history. `seq` is strictly increasing across every kind;
 * `data` is the record as it was right after the change, so a run replays without consulting other tables.
 */
export const historyEventSchema = z.strictObject({
  seq: z.number().int().positive(),
  at: timestampSchema,
  kind: historyKindSchema,
  action: z.string().min(1).max(64),
  entityId: z.string().min(1).max(200),
  data: z.json(),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;
