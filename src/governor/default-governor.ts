import { z } from 'zod';
import { type Budget, type GovernorSettings, governorSettingsSchema } from './budget.js';

/**
 * Limits an unattended run of model-driven instances starts with: about an afternoon of steady work for one
 * instance at a few thousand tokens per call, and a hard stop long before a surprising bill.
 */
export const DEFAULT_MODEL_GOVERNOR = {
  perInstance: { tokens: 2_000_000, modelCalls: 400 },
  collective: { tokens: 8_000_000 },
  maxModelCallsPerMinute: 30,
  minTurnGapMs: 3000,
} as const satisfies Partial<GovernorSettings>;

/** The `governor` key of tachikoma.config.json: settings, or "off" / false to run without one. */
export const governorConfigSchema = z.union([z.literal('off'), z.literal(false), governorSettingsSchema]);
export type GovernorConfig = z.infer<typeof governorConfigSchema>;

/** What a run records and hands its instances: resolved settings, or "off". */
export const resolvedGovernorSchema = z.union([z.literal('off'), governorSettingsSchema]);
export type ResolvedGovernor = z.infer<typeof resolvedGovernorSchema>;

function mergeBudget(defaults: Budget, own: Budget | undefined): Budget {
  return { ...defaults, ...(own ?? {}) };
}

/**
 * The settings an instance runs with: the configured ones over the defaults for model brains (a key the config
 * sets wins, 0 lifts a limit), the configured ones alone for other brains, or none when turned off.
 */
export function resolveGovernor(configured: GovernorConfig | undefined, usesModel: boolean): GovernorSettings | undefined {
  if (configured === 'off' || configured === false) return undefined;
  if (!usesModel) return configured === undefined ? undefined : governorSettingsSchema.parse(configured);
  const own = governorSettingsSchema.parse(configured ?? {});
  return {
    ...DEFAULT_MODEL_GOVERNOR,
    ...own,
    perInstance: mergeBudget(DEFAULT_MODEL_GOVERNOR.perInstance, own.perInstance),
    collective: mergeBudget(DEFAULT_MODEL_GOVERNOR.collective, own.collective),
  };
}
