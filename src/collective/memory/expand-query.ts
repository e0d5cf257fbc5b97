import { codeAnchors } from './code-anchors.js';

/** Most code names added to a query by feedback. */
export const MAX_RELATED_ANCHORS = 4;

/**
 * Code names that co-occur with the query's own: in the memories that name every one of the query's code names
 * (or at least two of them, when it has more), the other names they mention, most memories first, then first
 * seen. A query about `src/api/users.ts` thus learns the functions and variables memories about that file name,
 * so a memory that says "`getUser` in users.ts …" without the path can still be found. Empty when the query
 * names no code or no memory names it.
 */
export function relatedAnchors(queryAnchors: readonly string[], contents: Iterable<string>, max: number = MAX_RELATED_ANCHORS): string[] {
  if (queryAnchors.length === 0 || max <= 0) return [];
  const needed = Math.min(queryAnchors.length, 2);
  const own = new Set(queryAnchors);
  const counts = new Map<string, number>();
  for (const content of contents) {
    const anchors = codeAnchors(content);
    if (anchors.filter((anchor) => own.has(anchor)).length < needed) continue;
    for (const anchor of anchors) if (!own.has(anchor)) counts.set(anchor, (counts.get(anchor) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((left, right) => right[1] - left[1])
    .slice(0, max)
    .map(([anchor]) => anchor);
}
