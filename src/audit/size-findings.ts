import { clampSeverity, evidenceReference, scaledSeverity, type AuditFinding } from './audit-finding.js';
import { scanLines } from './scan-lines.js';
import type { SourceFile } from './source-file.js';
import { isTestPath } from './test-path.js';

/** A file longer than this many lines is reported as a `size` hot spot. */
export const LONG_FILE_LINES = 300;

/** Long test files are easier to live with than long production files. */
const TEST_FILE_WEIGHT = 0.7;

/** A `size` finding when the file is longer than {@link LONG_FILE_LINES}; evidence is its last non-blank line. */
export function sizeFindings(file: SourceFile): AuditFinding[] {
  const total = file.lines.length;
  if (total <= LONG_FILE_LINES) return [];
  const scanned = scanLines(file);
  const codeLines = scanned.filter((line) => line.code.trim() !== '').length;
  const lastCodeLine = file.lines.findLastIndex((line) => line.trim() !== '');
  return [
    {
      category: 'size',
      severity: clampSeverity(
        scaledSeverity(total, LONG_FILE_LINES, { base: 0.25, perDoubling: 0.25 }) *
          (isTestPath(file.path) ? TEST_FILE_WEIGHT : 1),
      ),
      title: `${file.path} is ${total} lines long`,
      detail:
        `${file.path} has ${total} lines (${codeLines} with code; the limit used here is ${LONG_FILE_LINES}). A file ` +
        'this long usually holds several ideas, so changes collide and readers lose the thread. Split it by ' +
        'responsibility into files named after the one thing each defines.',
      evidence: [evidenceReference(file.path, lastCodeLine + 1)],
      path: file.path,
      key: `size:${file.path}`,
    },
  ];
}
