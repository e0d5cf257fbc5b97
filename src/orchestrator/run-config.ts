import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { governorConfigSchema, resolvedGovernorSchema } from '../governor/default-governor.js';
import { WAKE_POLICIES } from '../instance/wake-policy.js';
import { ProtocolError, instanceIdFor, parseJsonRecord, roleSchema, timestampSchema, type Role } from '../protocol/index.js';
import { changeSettingsSchema } from '../workspace/change-settings.js';

/** The roles instances get, in order, when the config names none. */
export const DEFAULT_ROLE_CYCLE: readonly Role[] = ['explorer', 'builder', 'reflector', 'explorer', 'explorer', 'builder', 'reflector', 'explorer'];

export const DEFAULT_GOAL =
  'Audit the workspace as a collective: map its modules, find hot spots (size, complexity, TODO/FIXME, long functions, untested modules, import cycles, duplicated code, risky patterns) with path:line evidence, agree on the top recommendations, and write report.md.';

const brainOptionsSchema = z.record(z.string(), z.json());

const perInstanceSchema = z.strictObject({
  role: roleSchema.optional(),
  brain: z.string().min(1).max(50).optional(),
  brainOptions: brainOptionsSchema.optional(),
});

/** `tachikoma.config.json` in the workspace; every key optional; flags override it. */
export const configFileSchema = z.strictObject({
  $schema: z.string().optional(),
  instances: z.number().int().min(1).max(32).optional(),
  goal: z.string().min(1).max(4000).optional(),
  roles: z.array(roleSchema).min(1).max(32).optional(),
  brain: z.string().min(1).max(50).optional(),
  brainOptions: brainOptionsSchema.optional(),
  perInstance: z.record(z.string(), perInstanceSchema).optional(),
  store: z.string().optional(),
  runDir: z.string().optional(),
  heartbeatMs: z.number().int().min(100).max(60_000).optional(),
  staleMs: z.number().int().min(500).max(600_000).optional(),
  leaseMs: z.number().int().min(1000).max(3_600_000).optional(),
  idleCheckMs: z.number().int().min(200).max(3_600_000).optional(),
  stopTimeoutMs: z.number().int().min(100).max(120_000).optional(),
  maxRestarts: z.number().int().min(0).max(100).optional(),
  restartWindowMs: z.number().int().min(1000).max(3_600_000).optional(),
  /** Budgets, pacing and loop guards; on with defaults for model brains, "off" turns it off. */
  governor: governorConfigSchema.optional(),
  /** Which messages start a turn: "concerned" (default for model brains) or "all" (default for heuristic and scripted). */
  wake: z.enum(WAKE_POLICIES).optional(),
  /** Commands `run_command` may run (each a prefix of words, e.g. "npm test"). */
  commands: z.array(z.string().min(1).max(200)).max(100).optional(),
  /** Allows the writing tools to write straight into a workspace that is not a git repository. */
  allowWriteInPlace: z.boolean().optional(),
  /** Votes a "merge <branch>?" proposal needs. */
  reviewQuorum: z.number().int().min(1).max(32).optional(),
});
export type ConfigFile = z.infer<typeof configFileSchema>;

export const CONFIG_FILE_NAME = 'tachikoma.config.json';

/** Reads `tachikoma.config.json` from the workspace (or `explicitPath`); absent → `{}`. Invalid → ProtocolError. */
export function loadConfigFile(workspace: string, explicitPath?: string): ConfigFile {
  const path = explicitPath ?? join(workspace, CONFIG_FILE_NAME);
  if (!existsSync(path)) {
    if (explicitPath !== undefined) throw new ProtocolError(`config file ${explicitPath} does not exist`, ['(file): missing']);
    return {};
  }
  return parseJsonRecord(configFileSchema, readFileSync(path, 'utf8'), `config file ${path}`);
}

/**
 * What is wrong with a run's settings and instances taken together (each key alone already passed its schema):
 * a stale limit shorter than two heartbeats kills healthy instances (one heartbeat late on a loaded machine is
 * not death), and a perInstance entry for an id the run does not have would be silently ignored.
 */
export function runPlanProblems(settings: RunSettings, instances: readonly InstanceSpec[], config: ConfigFile): string[] {
  const problems: string[] = [];
  if (settings.staleMs < 2 * settings.heartbeatMs) {
    problems.push(`staleMs (${settings.staleMs}) must be at least twice heartbeatMs (${settings.heartbeatMs}): a healthy instance would be killed as stale`);
  }
  const ids = new Set(instances.map((spec) => spec.id));
  const unknown = Object.keys(config.perInstance ?? {}).filter((id) => !ids.has(id));
  if (unknown.length > 0) {
    problems.push(`perInstance names ${unknown.join(', ')}, but this run has ${[...ids].join(', ')}; remove the entry or raise "instances"`);
  }
  return problems;
}

/** One instance of a run, as spawned. */
export const instanceSpecSchema = z.strictObject({
  id: z.string(),
  role: roleSchema,
  brain: z.string(),
  brainOptions: brainOptionsSchema,
});
export type InstanceSpec = z.infer<typeof instanceSpecSchema>;

export const RUN_RECORD_VERSION = 1;

/** `run.json`: what a run is, so `--resume` and the read commands know it. */
export const runRecordSchema = z.strictObject({
  schemaVersion: z.literal(RUN_RECORD_VERSION),
  goal: z.string(),
  workspace: z.string(),
  store: z.string().nullable(),
  instances: z.array(instanceSpecSchema).min(1).max(32),
  settings: z.strictObject({
    heartbeatMs: z.number().int(),
    staleMs: z.number().int(),
    leaseMs: z.number().int(),
    idleCheckMs: z.number().int(),
    stopTimeoutMs: z.number().int(),
    maxRestarts: z.number().int(),
    restartWindowMs: z.number().int(),
    governor: resolvedGovernorSchema.optional(),
    wake: z.enum(WAKE_POLICIES).optional(),
    changes: changeSettingsSchema.optional(),
  }),
  state: z.enum(['running', 'stopped', 'done', 'crashed']),
  orchestratorPid: z.number().int().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** Reads and validates a run directory's `run.json`. */
export function readRunRecord(path: string): RunRecord {
  return parseJsonRecord(runRecordSchema, readFileSync(path, 'utf8'), `run record ${path}`);
}
export type RunSettings = RunRecord['settings'];

export const DEFAULT_SETTINGS: RunSettings = {
  heartbeatMs: 3000,
  staleMs: 15_000,
  leaseMs: 60_000,
  idleCheckMs: 30_000,
  stopTimeoutMs: 10_000,
  maxRestarts: 5,
  restartWindowMs: 60_000,
};

/** The instances a run spawns: count, roles (config list cycled, else the default cycle), brains. */
export function planInstances(count: number, config: ConfigFile, brain: string, brainOptions: Record<string, z.core.util.JSONType>): InstanceSpec[] {
  const roles = config.roles ?? DEFAULT_ROLE_CYCLE;
  return Array.from({ length: count }, (_, index) => {
    const id = instanceIdFor(index + 1);
    const own = config.perInstance?.[id];
    return {
      id,
      role: own?.role ?? roles[index % roles.length] ?? 'explorer',
      brain: own?.brain ?? brain,
      brainOptions: { ...brainOptions, ...(own?.brainOptions ?? {}) },
    };
  });
}
