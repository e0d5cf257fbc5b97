import { z } from 'zod';
import { shortText, textSchema, timestampSchema, titleSchema } from './common.js';
import { idSchema, instanceIdSchema, senderSchema } from './ids.js';
import { roleSchema } from './instance-record.js';

export const TASK_SCHEMA_VERSION = 1;

/** open → claimed → done | failed; a released or expired claim goes back to open. */
export const TASK_STATES = ['open', 'claimed', 'done', 'failed'] as const;
export const taskStateSchema = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof taskStateSchema>;

/** One piece of evidence: a `path:line` reference, a message id, or a short quote. */
export const evidenceSchema = shortText(2_000).refine((value) => value.length > 0, 'evidence is empty');

/** One entry of a task's scope: a workspace path, folder or glob, or a named area. */
export const scopeEntrySchema = shortText(500).refine((value) => value.trim().length > 0, 'a scope entry is empty');

/**
 * What a task is for: `work` covers its scope for the first time (work scopes are disjoint), `review` looks again
 * at what other tasks covered (checking findings, a second opinion) and may overlap them.
 */
export const TASK_KINDS = ['work', 'review'] as const;
export const taskKindSchema = z.enum(TASK_KINDS);
export type TaskKind = z.infer<typeof taskKindSchema>;

/** A task on the board. */
export const taskSchema = z.strictObject({
  id: idSchema,
  /** Records written before kinds existed are work. */
  kind: taskKindSchema.default('work'),
  title: titleSchema,
  detail: textSchema,
  requiredRole: roleSchema.nullable(),
  capability: shortText(100).nullable(),
  dependsOn: z.array(idSchema).max(100),
  /** The brief: which files or areas the task covers (empty: unscoped), what it should produce, when it is done. */
  scope: z.array(scopeEntrySchema).max(100).default([]),
  expected: shortText(2_000).default(''),
  doneWhen: shortText(2_000).default(''),
  state: taskStateSchema,
  owner: instanceIdSchema.nullable(),
  leaseExpiresAt: timestampSchema.nullable(),
  epoch: z.number().int().nonnegative(),
  attempts: z.number().int().nonnegative(),
  result: textSchema.nullable(),
  evidence: z.array(evidenceSchema).max(200),
  createdBy: senderSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Task = z.infer<typeof taskSchema>;

/** A task as the board shows it: `blocked` while a task in `waitingOn` (one it depends on) is not done yet. */
export type BoardTask = Task & { blocked: boolean; waitingOn: string[] };

/** What creating a task supplies. */
export const newTaskSchema = z.strictObject({
  id: idSchema.optional(),
  kind: taskKindSchema.optional(),
  title: titleSchema,
  detail: textSchema.optional(),
  requiredRole: roleSchema.nullable().optional(),
  capability: shortText(100).nullable().optional(),
  dependsOn: z.array(idSchema).max(100).optional(),
  scope: z.array(scopeEntrySchema).max(100).optional(),
  expected: shortText(2_000).optional(),
  doneWhen: shortText(2_000).optional(),
  createdBy: senderSchema,
});
export type NewTask = z.input<typeof newTaskSchema>;

/** A completion: a result and at least one piece of evidence. */
export const taskCompletionSchema = z.strictObject({
  result: textSchema,
  evidence: z.array(evidenceSchema).min(1, 'a completed task must carry at least one piece of evidence').max(200),
});
export type TaskCompletion = z.input<typeof taskCompletionSchema>;
