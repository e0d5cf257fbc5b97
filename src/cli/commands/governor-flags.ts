import { governorSettingsSchema } from '../../governor/budget.js';
import { type GovernorConfig, type ResolvedGovernor, resolveGovernor } from '../../governor/default-governor.js';
import { CliError } from '../cli-error.js';

/** The flags of `tachikoma run` that shape the governor. */
export interface GovernorFlags {
  maxTurns?: string;
  maxTokens?: string;
  maxCalls?: string;
  maxCost?: string;
  callsPerMinute?: string;
  /** false with --no-governor. */
  governor?: boolean;
}

/** A limit from a flag: a positive number, or 0 / "off" to lift it. */
function limitFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (text.trim().toLowerCase() === 'off') return 0;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new CliError(`${flag} takes a positive number, or 0 or off for no limit, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * The governor settings: the config's over the defaults for model brains, with --max-turns/--max-tokens/
 * --max-calls/--max-cost as per-instance budgets and --calls-per-minute on top; "off" with --no-governor or
 * `"governor": "off"` in the config.
 */
export function governorFromFlags(configured: GovernorConfig | undefined, flags: GovernorFlags, usesModel: boolean): ResolvedGovernor | undefined {
  const turns = limitFlag(flags.maxTurns, '--max-turns');
  const tokens = limitFlag(flags.maxTokens, '--max-tokens');
  const modelCalls = limitFlag(flags.maxCalls, '--max-calls');
  const costUsd = limitFlag(flags.maxCost, '--max-cost');
  const perMinute = limitFlag(flags.callsPerMinute, '--calls-per-minute');
  if (flags.governor === false) return 'off';
  const off = configured === 'off' || configured === false;
  const anyFlag = [turns, tokens, modelCalls, costUsd, perMinute].some((value) => value !== undefined);
  if (off && !anyFlag) return 'off';
  // Turned off in the config but a limit given as a flag: that limit alone.
  const base = off ? governorSettingsSchema.parse({}) : resolveGovernor(configured, usesModel) ?? (anyFlag ? governorSettingsSchema.parse({}) : undefined);
  if (base === undefined) return undefined;
  return {
    ...base,
    ...(perMinute === undefined ? {} : { maxModelCallsPerMinute: Math.round(perMinute) }),
    perInstance: {
      ...base.perInstance,
      ...(turns === undefined ? {} : { turns: Math.round(turns) }),
      ...(tokens === undefined ? {} : { tokens: Math.round(tokens) }),
      ...(modelCalls === undefined ? {} : { modelCalls: Math.round(modelCalls) }),
      ...(costUsd === undefined ? {} : { costUsd }),
    },
  };
}
