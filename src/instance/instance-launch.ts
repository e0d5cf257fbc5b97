import { z } from 'zod';
import { governorSettingsSchema } from '../governor/budget.js';
import { WAKE_POLICIES } from './wake-policy.js';
import { changeSettingsSchema } from '../workspace/change-settings.js';
import { instanceIdSchema, parseJsonRecord, roleSchema } from '../protocol/index.js';

/**
 * Everything an instance process is started with, as one validated record: the orchestrator writes it as JSON
 * (`--launch '<json>'`), the instance entry parses it, and `tachikoma instance` (by hand) builds the same record
 * from its flags. One definition instead of three lists of flags.
 */
export const instanceLaunchSchema = z.strictObject({
  id: instanceIdSchema,
  role: roleSchema,
  runDirectory: z.string().min(1),
  workspace: z.string().min(1),
  goal: z.string().min(1),
  brain: z.string().min(1),
  brainOptions: z.record(z.string(), z.json()),
  store: z.string().min(1).optional(),
  heartbeatMs: z.number().int().positive().optional(),
  idleCheckMs: z.number().int().positive().optional(),
  leaseMs: z.number().int().positive().optional(),
  governor: governorSettingsSchema.optional(),
  /** Which messages start a turn (see wake-policy.ts); by default, per brain. */
  wake: z.enum(WAKE_POLICIES).optional(),
  changes: changeSettingsSchema.optional(),
});
export type InstanceLaunch = z.infer<typeof instanceLaunchSchema>;

/** The command-line arguments carrying a launch record. */
export function launchArguments(launch: InstanceLaunch): string[] {
  return ['--launch', JSON.stringify(instanceLaunchSchema.parse(launch))];
}

/** Reads a launch record from an instance entry's arguments (`--launch '<json>'`); a ProtocolError when it is wrong. */
export function parseLaunchArguments(argv: readonly string[]): InstanceLaunch {
  const [flag, json, ...rest] = argv;
  if (flag !== '--launch' || json === undefined || rest.length > 0) {
    throw new Error(`an instance entry takes one argument, --launch '<json>' (got ${argv.length} argument(s)); to run an instance by hand use \`tachikoma instance\``);
  }
  return parseJsonRecord(instanceLaunchSchema, json, 'instance launch record');
}
