import { type CodeLocation, formatLocation, locationsMatch } from './code-location.js';

/** Lines a finding may be off by and still match a key entry or another finding (see the README's eval section). */
export const LINE_TOLERANCE = 2;

/** One answer of a condition: what was reported and where. */
export interface Finding {
  id: string;
  author: string;
  content: string;
  locations: CodeLocation[];
}

/** One seeded defect of an answer key. */
export interface KeyEntry {
  location: CodeLocation;
  description: string;
}

/** How one finding scored. */
export interface ScoredFinding {
  id: string;
  author: string;
  locations: string[];
  /** Indexes into the key of the defects it points at. */
  matches: number[];
  /** Every one of its locations was already reported by an earlier finding. */
  duplicate: boolean;
}

/** The score of a set of findings against a key. */
export interface FindingScore {
  seeded: number;
  found: number;
  /** found / seeded (1 when nothing was seeded). */
  recall: number;
  findings: number;
  duplicates: number;
  /** Findings (duplicates counted once) that point at a seeded defect. */
  correct: number;
  /** correct / distinct findings; null when there were none. */
  precision: number | null;
  defects: Array<{ location: string; description: string; foundBy: string[] }>;
  scored: ScoredFinding[];
}

function isDuplicate(finding: Finding, earlier: readonly CodeLocation[], tolerance: number): boolean {
  if (finding.locations.length === 0) return false;
  return finding.locations.every((location) => earlier.some((seen) => locationsMatch(location, seen, tolerance)));
}

/**
 * Scores findings, in the order they were made, against an answer key. A finding matches a key entry when one
 * of its locations is in the same file and within `tolerance` lines of the entry's range. A finding whose every
 * location repeats an earlier finding's is a duplicate: it counts once for recall and not again for precision.
 */
export function scoreFindings(findings: readonly Finding[], key: readonly KeyEntry[], tolerance = LINE_TOLERANCE): FindingScore {
  const seen: CodeLocation[] = [];
  const foundBy: string[][] = key.map(() => []);
  const scored: ScoredFinding[] = [];
  for (const finding of findings) {
    const duplicate = isDuplicate(finding, seen, tolerance);
    const matches = key.flatMap((entry, index) => (finding.locations.some((location) => locationsMatch(location, entry.location, tolerance)) ? [index] : []));
    for (const index of matches) foundBy[index]?.push(finding.id);
    seen.push(...finding.locations);
    scored.push({ id: finding.id, author: finding.author, locations: finding.locations.map(formatLocation), matches, duplicate });
  }
  const distinct = scored.filter((entry) => !entry.duplicate);
  const correct = distinct.filter((entry) => entry.matches.length > 0).length;
  const found = foundBy.filter((ids) => ids.length > 0).length;
  return {
    seeded: key.length,
    found,
    recall: key.length === 0 ? 1 : found / key.length,
    findings: findings.length,
    duplicates: scored.length - distinct.length,
    correct,
    precision: distinct.length === 0 ? null : correct / distinct.length,
    defects: key.map((entry, index) => ({ location: formatLocation(entry.location), description: entry.description, foundBy: foundBy[index] ?? [] })),
    scored,
  };
}
