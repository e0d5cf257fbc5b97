import { clampSeverity, describeLines, evidenceReference, type AuditFinding } from './audit-finding.js';
import { MAX_EVIDENCE_LINES } from './risky-pattern-findings.js';
import { scanLines } from './scan-lines.js';
import type { SourceFile } from './source-file.js';

/** Comment markers that flag unfinished or knowingly wrong code; FIXME, HACK and XXX weigh more than TODO. */
export const WORK_MARKERS = ['TODO', 'FIXME', 'HACK', 'XXX'] as const;

/** A marker opening the comment, or a marker word followed by a colon (optionally with an owner in parentheses). */
const LEADING_MARKER = /^[\s*/#!-]*(TODO|FIXME|HACK|XXX)\b/;
const LABELLED_MARKER = /\b(TODO|FIXME|HACK|XXX)(?:\([^)]*\))?:/;
const MARKER_TEXT_LENGTH = 80;

/** One `todo` finding per file listing every comment with a TODO/FIXME/HACK/XXX marker (evidence = those lines). */
export function markerFindings(file: SourceFile): AuditFinding[] {
  const marked: Array<{ line: number; marker: string; text: string }> = [];
  scanLines(file).forEach((line, index) => {
    const match = LEADING_MARKER.exec(line.comment) ?? LABELLED_MARKER.exec(line.comment);
    if (match?.[1] === undefined) return;
    const text = line.comment.slice(line.comment.indexOf(match[1], match.index)).trim().replace(/\s*\*\/$/, '');
    marked.push({ line: index + 1, marker: match[1], text: text.slice(0, MARKER_TEXT_LENGTH) });
  });
  if (marked.length === 0) return [];
  const weight = marked.reduce((total, entry) => total + (entry.marker === 'TODO' ? 1 : 2), 0);
  const lineNumbers = marked.map((entry) => entry.line);
  const quoted = marked
    .slice(0, 3)
    .map((entry) => `line ${entry.line}: "${entry.text}"`)
    .join('; ');
  const kinds = [...new Set(marked.map((entry) => entry.marker))].join('/');
  const plural = marked.length === 1 ? '' : 's';
  return [
    {
      category: 'todo',
      severity: clampSeverity(Math.min(0.5, 0.15 + 0.04 * weight)),
      title: `${file.path}: ${marked.length} ${kinds} marker${plural} (line${plural} ${describeLines(lineNumbers)})`,
      detail:
        `Comments flag unfinished or knowingly wrong code: ${quoted}. Each is a known gap left for later; finish ` +
        'it, turn it into a tracked task, or delete the marker if it no longer applies.',
      evidence: lineNumbers.slice(0, MAX_EVIDENCE_LINES).map((line) => evidenceReference(file.path, line)),
      path: file.path,
      key: `todo:${file.path}`,
    },
  ];
}
