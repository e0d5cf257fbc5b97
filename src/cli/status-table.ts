import { hostname } from 'node:os';
import Table from 'cli-table3';
import pc from 'picocolors';
import { TRAITS, personalitySchema } from '../collective/personality.js';
import type { InstanceRecord, InstanceStatus } from '../protocol/index.js';
import { dollars, shortCount, usageFromMetadata } from '../governor/usage-summary.js';

const STATUS_COLOURS: Record<InstanceStatus, (text: string) => string> = {
  starting: pc.gray,
  idle: pc.dim,
  thinking: pc.cyan,
  writing: pc.blue,
  tool: pc.magenta,
  waiting: pc.yellow,
  stopped: pc.gray,
  crashed: pc.red,
};

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

/** The instances as a terminal table (colours only when the terminal supports them). */
export function renderInstanceTable(instances: readonly InstanceRecord[], now: number = Date.now()): string {
  const table = new Table({
    head: ['instance', 'role', 'state', 'pid', 'task', 'iter', 'beat', 'traits', 'calls', 'tokens', 'cached', 'cost', 'last activity'],
    style: { head: ['cyan'], border: ['gray'] },
  });
  const local = hostname();
  for (const record of instances) {
    table.push([
      record.id,
      record.role,
      STATUS_COLOURS[record.status](record.status),
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
