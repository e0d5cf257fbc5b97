import { type Usage, NO_USAGE, addUsage } from '../governor/budget.js';
import { usageFromMetadata } from '../governor/usage-summary.js';
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
  /** Whole-file reads per workspace file, from the coverage map. */
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

/** A spot check of a few lines is recorded as `path:from-to`: it is not a read of the file. */
const LINE_RANGE = /:\d+-\d+$/;

/**
 * Whole-file reads per workspace file, from the store's coverage map (each read by each instance counted):
 * the same record the instances see, so a refused second read or a file left for another call is not counted.
 */
export async function readsPerFileFromCoverage(store: CollectiveStore, workspace: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const entry of await store.listCoverage()) {
    if (entry.via === 'grep' || LINE_RANGE.test(entry.area)) continue;
    const key = normalizePath(entry.area, workspace);
    counts[key] = (counts[key] ?? 0) + entry.count;
  }
  return counts;
}

/**
 * Reads a finished run's store. `prefix` names the run's findings apart from another run's (the
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
      const reported = usageFromMetadata(record.metadata);
      if (reported !== null) usage = addUsage(usage, reported);
    }
    return { findings, usage, claimsLost: await countClaimsLost(store), readsPerFile: await readsPerFileFromCoverage(store, workspace) };
  } finally {
    await store.close();
  }
}
