import { anchorAgreement, codeAnchors } from './code-anchors.js';

/** Most code names added to a query by feedback. */
export const MAX_RELATED_ANCHORS = 3;

/** Only the best-ranked memories that name the query's code are read for feedback: lower ones drift off topic. */
const FEEDBACK_MEMORIES = 5;

/** A code name must co-occur in at least this many memories: a name seen once is as likely chance as a link. */
const MIN_CO_OCCURRENCES = 2;

/**
 * Code names that co-occur with the query's own (pseudo-relevance feedback): in the first FEEDBACK_MEMORIES of
 * `contents` (best first) that name the query's code (all of it, or at least two names when it has more), the
 * other names at least two of them mention, most memories first. A query about `getUser` in `users.ts` thus
 * learns the variable those memories quote, and finds the memory that names the bug by its variable alone.
 */
export function relatedAnchors(groups: readonly (readonly string[])[], contents: Iterable<string>, max: number = MAX_RELATED_ANCHORS): string[] {
  if (groups.length === 0 || max <= 0) return [];
  const needed = Math.min(groups.length, 2) / groups.length;
  const own = new Set(groups.flat());
  const counts = new Map<string, number>();
  let read = 0;
  for (const content of contents) {
    if (read >= FEEDBACK_MEMORIES) break;
    const anchors = codeAnchors(content);
    if (anchorAgreement(groups, new Set(anchors)) < needed) continue;
    read += 1;
    for (const anchor of anchors) if (!own.has(anchor)) counts.set(anchor, (counts.get(anchor) ?? 0) + 1);
  }
  return [...counts.entries()]
    .filter(([, count]) => count >= MIN_CO_OCCURRENCES)
    .sort((left, right) => right[1] - left[1])
    .slice(0, max)
    .map(([anchor]) => anchor);
}
