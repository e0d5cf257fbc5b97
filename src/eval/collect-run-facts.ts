import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Usage, NO_USAGE, addUsage, usageSchema } from '../governor/budget.js';
import { runPaths } from '../core/run-paths.js';
import type { Message } from '../protocol/index.js';
import { type CollectiveStore, openStore } from '../store/index.js';
import { normalizePath, parseLocations } from './code-location.js';
import type { Finding } from './score-findings.js';

/** What a finished run left behind that the evaluation scores and counts. */
export interface RunFacts {
  /** Shared findings (syntheses excluded), in the order they were shared. */
  findings: Finding[];
  usage: Usage;
  /** Task claims lost to an expired lease (re-offered, or taken over after expiry). */
  claimsLost: number;
  /** read_files requests per workspace file, from the instance logs. */
  readsPerFile: Record<string, number>;
}

const PAGE = 1000;

async function allMessages(store: CollectiveStore): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const page = await store.readMessages({ audience: { all: true }, after: messages.at(-1)?.seq ?? 0, limit: PAGE });
    messages.push(...page);
    if (page.length < PAGE) return messages;
  }
}

function evidenceText(message: Message): string {
  const evidence = message.metadata.evidence;
  return Array.isArray(evidence) ? evidence.filter((entry): entry is string => typeof entry === 'string').join('\n') : '';
}

/** A finding's locations: its evidence, else the path:line references in its text. */
function toFinding(message: Message, workspace: string, prefix: string): Finding {
  const fromEvidence = parseLocations(evidenceText(message), workspace);
  return {
    id: `${prefix}${message.id}`,
    author: `${prefix}${message.from}`,
    content: message.content.slice(0, 500),
    locations: fromEvidence.length > 0 ? fromEvidence : parseLocations(message.content, workspace),
  };
}

async function countClaimsLost(store: CollectiveStore): Promise<number> {
  let lost = 0;
  let after = 0;
  for (;;) {
    const page = await store.readHistory({ after, limit: PAGE });
    lost += page.filter((event) => event.kind === 'task' && (event.action === 'lease_expired' || event.action === 'claimed_after_expiry')).length;
    if (page.length < PAGE) return lost;
    after = page.at(-1)?.seq ?? after;
  }
}

/** Counts the files named by read_files calls in every instance log of the run. */
export function readsPerFileFromLogs(logsFolder: string, workspace: string, counts: Record<string, number> = {}): Record<string, number> {
  if (!existsSync(logsFolder)) return counts;
  for (const file of readdirSync(logsFolder).filter((name) => name.endsWith('.log') && !name.endsWith('.stderr.log'))) {
    for (const line of readFileSync(join(logsFolder, file), 'utf8').split('\n')) {
      if (!line.includes('"read_files"')) continue;
      try {
        const record = JSON.parse(line) as { event?: unknown; tool?: unknown; paths?: unknown };
        if (record.event !== 'tool' || record.tool !== 'read_files' || !Array.isArray(record.paths)) continue;
        for (const path of record.paths) {
          if (typeof path !== 'string') continue;
          const key = normalizePath(path, workspace);
          counts[key] = (counts[key] ?? 0) + 1;
        }
      } catch {
        // A line cut short by a killed process: nothing to count.
      }
    }
  }
  return counts;
}

/**
 * Reads a finished run's store and logs. `prefix` names the run's findings apart from another run's (the
 * isolated voters of one condition all have an instance_1).
 */
export async function collectRunFacts(runDirectory: string, workspace: string, prefix = ''): Promise<RunFacts> {
  const paths = runPaths(runDirectory);
  const store = await openStore(undefined, paths.store);
  try {
    const messages = await allMessages(store);
    const findings = messages
      .filter((message) => message.type === 'finding' && message.metadata.kind !== 'synthesis' && message.from !== 'human')
      .map((message) => toFinding(message, workspace, prefix));
    let usage = NO_USAGE;
    for (const record of await store.listInstances()) {
      const parsed = usageSchema.safeParse(record.metadata.usage);
      if (parsed.success) usage = addUsage(usage, parsed.data);
    }
    return { findings, usage, claimsLost: await countClaimsLost(store), readsPerFile: readsPerFileFromLogs(paths.logs, workspace) };
  } finally {
    await store.close();
  }
}
