/** Every kind of problem the offline audit knows how to find. */
export const AUDIT_CATEGORIES = [
  'size',
  'complexity',
  'todo',
  'long_function',
  'untested',
  'import_cycle',
  'duplication',
  'risky_pattern',
] as const;

/** One of {@link AUDIT_CATEGORIES}. */
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

/** One problem found in the workspace, with references to the lines that show it. */
export interface AuditFinding {
  category: AuditCategory;
  /** 0..1, how much it matters */
  severity: number;
  /** one line, e.g. "src/store/x.ts: function publishAll is 143 lines long" */
  title: string;
  /** a few sentences: what, why it matters, what to do */
  detail: string;
  /** workspace-relative posix `path:line` references, each pointing at a real line that shows the problem (1-based) */
  evidence: string[];
  /** the main file (workspace-relative posix) */
  path: string;
  /** stable key so the same finding found twice is recognised (e.g. category+path+line) */
  key: string;
}

/** Clamps a score into 0..1 and rounds it to two decimals, so equal inputs always print equal severities. */
export function clampSeverity(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

/**
 * Severity that grows with how far `value` is past `threshold`: `base` at the threshold, `perDoubling` more for
 * each doubling, never above `maximum`. A 2,000-line file therefore outranks a 310-line one.
 */
export function scaledSeverity(
  value: number,
  threshold: number,
  scale: { base: number; perDoubling: number; maximum?: number },
): number {
  const doublings = Math.log2(Math.max(value, threshold) / threshold);
  return clampSeverity(Math.min(scale.maximum ?? 1, scale.base + scale.perDoubling * doublings));
}

/** Orders findings most severe first, then by key: a total order, so repeated runs list findings identically. */
export function compareFindings(left: AuditFinding, right: AuditFinding): number {
  if (left.severity !== right.severity) return right.severity - left.severity;
  return compareText(left.key, right.key);
}

/** Compares strings by code unit (not locale), the one ordering used for paths and keys across the audit. */
export function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

/** Formats a `path:line` evidence reference (line is 1-based). */
export function evidenceReference(path: string, line: number): string {
  return `${path}:${line}`;
}

/** Lists 1-based line numbers compactly for titles: "3, 8, 21" or "3, 8, 21 and 4 more". */
export function describeLines(lineNumbers: readonly number[], shown = 5): string {
  const listed = lineNumbers.slice(0, shown).join(', ');
  const hidden = lineNumbers.length - shown;
  return hidden > 0 ? `${listed} and ${hidden} more` : listed;
}
