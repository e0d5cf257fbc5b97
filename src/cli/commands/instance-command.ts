import { resolve } from 'node:path';
import { z } from 'zod';
import { usesModel } from '../../brain/registry.js';
import { instanceLaunchSchema } from '../../instance/instance-launch.js';
import { runTracedInstance } from '../traced-instance.js';
import { instanceIdSchema, parseJsonRecord, roleSchema } from '../../protocol/index.js';
import { DEFAULT_GOAL } from '../../orchestrator/run-config.js';
import { governorSettingsSchema } from '../../governor/budget.js';
import { resolveGovernor } from '../../governor/default-governor.js';
import { WAKE_POLICIES, type WakePolicy } from '../../instance/wake-policy.js';
import { CliError } from '../cli-error.js';
import { defaultRunDirectory } from '../run-directory.js';

export interface InstanceFlags {
  id: string;
  role: string;
  runDir?: string;
  workspace?: string;
  goal?: string;
  brain?: string;
  brainOptions?: string;
  store?: string;
  heartbeatMs?: string;
  idleCheckMs?: string;
  leaseMs?: string;
  governor?: string;
  wake?: string;
}

function optionalInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new CliError(`${flag} takes a positive whole number of milliseconds, got ${JSON.stringify(text)}`);
  return value;
}

/** `tachikoma instance`: runs one instance in this process (the orchestrator starts these; it also joins a run by hand). */
export async function instanceCommand(flags: InstanceFlags): Promise<number> {
  const id = instanceIdSchema.safeParse(flags.id);
  if (!id.success) throw new CliError(`invalid --id ${JSON.stringify(flags.id)}: ids look like instance_4 (lower-case letters, digits, _ or -)`);
  const role = roleSchema.safeParse(flags.role);
  if (!role.success) throw new CliError(`invalid --role ${JSON.stringify(flags.role)}: explorer, builder, reflector or coordinator`);
  const brainOptions = flags.brainOptions === undefined ? {} : parseJsonRecord(z.record(z.string(), z.json()), flags.brainOptions, '--brain-options');
  const workspace = resolve(flags.workspace ?? process.cwd());
  const heartbeatMs = optionalInt(flags.heartbeatMs, '--heartbeat-ms');
  const idleCheckMs = optionalInt(flags.idleCheckMs, '--idle-check-ms');
  const leaseMs = optionalInt(flags.leaseMs, '--lease-ms');
  const brain = flags.brain ?? 'heuristic';
  // Started by hand without --governor, a model brain gets the default budgets; "off" runs without any.
  const governor = flags.governor === undefined
    ? resolveGovernor(undefined, usesModel(brain))
    : flags.governor.trim() === 'off' ? undefined : parseJsonRecord(governorSettingsSchema, flags.governor, '--governor');
  if (flags.wake !== undefined && !(WAKE_POLICIES as readonly string[]).includes(flags.wake)) throw new CliError(`invalid --wake ${JSON.stringify(flags.wake)}: concerned or all`);
  const wake = flags.wake as WakePolicy | undefined;
  return runTracedInstance(instanceLaunchSchema.parse({
    id: id.data,
    role: role.data,
    runDirectory: resolve(flags.runDir ?? defaultRunDirectory(workspace)),
    workspace,
    goal: flags.goal ?? DEFAULT_GOAL,
    brain,
    brainOptions,
    ...(flags.store === undefined ? {} : { store: flags.store }),
    ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
    ...(idleCheckMs === undefined ? {} : { idleCheckMs }),
    ...(leaseMs === undefined ? {} : { leaseMs }),
    ...(governor === undefined ? {} : { governor }),
    ...(wake === undefined ? {} : { wake }),
  }));
}
