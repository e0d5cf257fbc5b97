import { isNearDuplicate, rememberUnique } from '../../src/memory/index.js';
import type { NewMemoryItem } from '../../src/protocol/index.js';
import type { CollectiveStore } from '../../src/store/index.js';
import { nowMs } from './bench-stats.js';
import type { SeededRandom } from './seeded-random.js';

/** What rememberUnique did with re-reports of stored findings and with look-alikes about other code. */
export interface DedupeRun {
  /** Re-reports (same finding, small edits) and how many were recognised (as their original, or a stored near-duplicate of it). */
  reReports: number;
  recognised: number;
  /** Look-alikes (same words, another file or function) and how many were wrongly merged into a stored memory. */
  lookAlikes: number;
  merged: number;
  wallMs: number[];
}

/** Small edits another instance re-reporting the same finding might make. */
const RE_REPORT_EDITS: ReadonlyArray<(content: string) => string> = [
  (content) => `Confirmed: ${content}`,
  (content) => content.replace(/\.$/, '').replace(/ /g, '  '),
  (content) => (/(?:line |:)\d+/.test(content) ? content.replace(/(line |:)(\d+)/, (_match, before: string, digits: string) => `${before}${Number(digits) + 1}`) : `Re-check: ${content}`),
  (content) => `${content} Still present.`,
];

/** The same text about another file (the first path or file name swapped) or, failing that, another function. */
function lookAlike(content: string, random: SeededRandom, otherNames: readonly string[]): string | null {
  const name = content.match(/[\w-]+\.(?:ts|js|py|go)\b/)?.[0];
  if (name === undefined) return null;
  const other = random.pick(otherNames.filter((candidate) => candidate !== name));
  return content.split(name).join(other);
}

function reReportOf(original: NewMemoryItem, content: string, now: number): NewMemoryItem {
  return { kind: original.kind, content, importance: original.importance, author: 'instance_9', createdAt: new Date(now).toISOString() };
}

/**
 * Writes `probes` re-reports and up to `probes` look-alikes of stored memories through rememberUnique. A
 * look-alike whose text is already stored verbatim (a template that names only the file) is not one, and is skipped.
 */
export async function measureDedupe(store: CollectiveStore, stored: readonly NewMemoryItem[], random: SeededRandom, probes: number): Promise<DedupeRun> {
  const run: DedupeRun = { reReports: 0, recognised: 0, lookAlikes: 0, merged: 0, wallMs: [] };
  const names = [...new Set(stored.flatMap((memory) => memory.content.match(/[\w-]+\.(?:ts|js|py|go)\b/g) ?? []))];
  const contents = new Set(stored.map((memory) => memory.content));
  const now = Date.now();
  const timed = async (item: NewMemoryItem): Promise<string | null> => {
    const startedAt = nowMs();
    const { duplicateOf } = await rememberUnique(store, item);
    run.wallMs.push(nowMs() - startedAt);
    return duplicateOf;
  };
  for (let index = 0; index < probes; index += 1) {
    const original = random.pick(stored);
    const edited = random.pick(RE_REPORT_EDITS)(original.content);
    run.reReports += 1;
    const duplicateOf = await timed(reReportOf(original, edited, now));
    const match = duplicateOf === null ? null : await store.getMemory(duplicateOf);
    if (duplicateOf === original.id || (match !== null && isNearDuplicate(match.content, original.content))) run.recognised += 1;
    const source = random.pick(stored);
    const other = lookAlike(source.content, random, names);
    if (other === null || contents.has(other)) continue; // the same words about that file are already stored: a true duplicate
    run.lookAlikes += 1;
    if ((await timed(reReportOf(source, other, now))) !== null) run.merged += 1;
  }
  return run;
}
