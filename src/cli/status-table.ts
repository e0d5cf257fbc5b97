import { hostname } from 'node:os';
import Table from 'cli-table3';
import { TRAITS, personalitySchema } from '../collective/personality.js';
import type { InstanceRecord, InstanceStatus } from '../protocol/index.js';
import { dollars, shortCount, usageFromMetadata } from '../governor/usage-summary.js';
import { colours, hasColour, tableStyle } from './colour.js';

function statusColours(enabled: boolean): Record<InstanceStatus, (text: string) => string> {
  const pc = colours(enabled);
  return { starting: pc.gray, idle: pc.dim, thinking: pc.cyan, writing: pc.blue, tool: pc.magenta, waiting: pc.yellow, stopped: pc.gray, crashed: pc.red };
}

function age(timestamp: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(timestamp)) / 1000));
  return seconds < 60 ? `${seconds}s` : `${Math.round(seconds / 60)}m`;
}

/** A personality as four short numbers (thoroughness/caution/simplicity/novelty), or '-'. */
function traits(value: unknown): string {
  const parsed = personalitySchema.safeParse(value);
  if (!parsed.success) return '-';
  return TRAITS.map((trait) => `${trait[0]}${Math.round(parsed.data[trait] * 100)}`).join(' ');
}

/** Model calls, tokens, cached share and cost of an instance, or dashes when it reports no usage. */
function spending(metadata: Record<string, unknown>): string[] {
  const usage = usageFromMetadata(metadata);
  if (usage === null) return ['-', '-', '-', '-'];
  const cached = usage.inputTokens === 0 ? 0 : Math.round((usage.cacheReadTokens / usage.inputTokens) * 100);
  return [String(usage.modelCalls), shortCount(usage.inputTokens + usage.outputTokens), `${cached}%`, dollars(usage.costUsd)];
}

/** The instances as a table; coloured only when `colour` (default: standard output is a terminal that takes colour). */
export function renderInstanceTable(instances: readonly InstanceRecord[], now: number = Date.now(), colour: boolean = hasColour()): string {
  const table = new Table({
    head: ['instance', 'role', 'state', 'pid', 'task', 'iter', 'beat', 'traits', 'calls', 'tokens', 'cached', 'cost', 'last activity'],
    style: tableStyle(colour),
  });
  const paint = statusColours(colour);
  const local = hostname();
  for (const record of instances) {
    table.push([
      record.id,
      record.role,
      paint[record.status](record.status),
      // An instance on another host (a collective on PostgreSQL) shows where its pid lives.
      record.pid === null ? '-' : record.host === local ? String(record.pid) : `${record.pid}@${record.host}`,
      record.currentTask ?? '-',
      String(record.iteration),
      age(record.heartbeatAt, now),
      traits(record.metadata.personality),
      ...spending(record.metadata),
      record.lastActivity.replace(/\s+/g, ' ').slice(0, 48),
    ]);
  }
  return table.toString();
}
