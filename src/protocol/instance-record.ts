import { z } from 'zod';
import { metadataSchema, shortText, timestampSchema } from './common.js';
import { idSchema, instanceIdSchema } from './ids.js';
import { MAX_TITLE_CHARS } from './limits.js';

export const INSTANCE_SCHEMA_VERSION = 1;

/** The four roles an instance can play. */
export const ROLES = ['explorer', 'builder', 'reflector', 'coordinator'] as const;
export const roleSchema = z.enum(ROLES, {
  error: (issue) => `unknown role ${JSON.stringify(issue.input)}; expected one of ${ROLES.join(', ')}`,
});
export type Role = z.infer<typeof roleSchema>;

/** What an instance is doing right now. */
export const INSTANCE_STATUSES = ['starting', 'idle', 'thinking', 'writing', 'tool', 'waiting', 'stopped', 'crashed'] as const;
export const instanceStatusSchema = z.enum(INSTANCE_STATUSES, {
  error: (issue) => `unknown instance status ${JSON.stringify(issue.input)}; expected one of ${INSTANCE_STATUSES.join(', ')}`,
});
export type InstanceStatus = z.infer<typeof instanceStatusSchema>;

/** One instance in the registry. */
export const instanceRecordSchema = z.strictObject({
  id: instanceIdSchema,
  role: roleSchema,
  pid: z.number().int().nonnegative().nullable(),
  host: shortText(255),
  status: instanceStatusSchema,
  heartbeatAt: timestampSchema,
  startedAt: timestampSchema,
  currentTask: idSchema.nullable(),
  iteration: z.number().int().nonnegative(),
  lastActivity: shortText(MAX_TITLE_CHARS),
  metadata: metadataSchema,
});
export type InstanceRecord = z.infer<typeof instanceRecordSchema>;

/** What registering supplies; the store fills in times and counters. */
export const instanceRegistrationSchema = z.strictObject({
  id: instanceIdSchema,
  role: roleSchema,
  pid: z.number().int().nonnegative().nullable().optional(),
  host: shortText(255).optional(),
  status: instanceStatusSchema.optional(),
  metadata: metadataSchema.optional(),
});
export type InstanceRegistration = z.input<typeof instanceRegistrationSchema>;

/** A heartbeat, optionally carrying a status change. */
export const heartbeatSchema = z.strictObject({
  status: instanceStatusSchema.optional(),
  currentTask: idSchema.nullable().optional(),
  iteration: z.number().int().nonnegative().optional(),
  lastActivity: shortText(MAX_TITLE_CHARS).optional(),
  pid: z.number().int().nonnegative().nullable().optional(),
  metadata: metadataSchema.optional(),
});
export type Heartbeat = z.input<typeof heartbeatSchema>;
