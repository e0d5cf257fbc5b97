import { clampSeverity, describeLines, evidenceReference, type AuditFinding } from './audit-finding.js';
import { RISKY_PATTERN_RULES, type RiskyPatternRule, type RuleInput } from './risky-pattern-rules.js';
import { scanLines } from './scan-lines.js';
import type { SourceFile } from './source-file.js';
import { isTestPath } from './test-path.js';

/** Most lines cited as evidence for one rule in one file (the title still counts them all). */
export const MAX_EVIDENCE_LINES = 10;
/** Risky patterns in tests matter less (they do not ship), except leaked credentials. */
const TEST_FILE_WEIGHT = 0.5;

function appliesTo(rule: RiskyPatternRule, file: SourceFile): boolean {
  return rule.languages === 'all' || rule.languages.includes(file.language);
}

/** Any rule's hint (case-insensitive if any hint is): one pass over the file text finds the lines worth testing. */
const ANY_HINT = new RegExp(
  RISKY_PATTERN_RULES.map((rule) => `(?:${rule.hint.source})`).join('|'),
  RISKY_PATTERN_RULES.some((rule) => rule.hint.ignoreCase) ? 'gi' : 'g',
);

/** 0-based indexes of the lines where some rule's hint occurs, ascending; most lines of most files have none. */
function hintedLines(file: SourceFile): number[] {
  const found: number[] = [];
  let line = 0;
  let lineStart = 0;
  let lineEnd = file.text.indexOf('\n');
  ANY_HINT.lastIndex = 0;
  for (let match = ANY_HINT.exec(file.text); match !== null; match = ANY_HINT.exec(file.text)) {
    while (lineEnd >= 0 && match.index > lineEnd) {
      line += 1;
      lineStart = lineEnd + 1;
      lineEnd = file.text.indexOf('\n', lineStart);
    }
    found.push(line);
    if (lineEnd < 0) break;
    ANY_HINT.lastIndex = lineEnd + 1;
  }
  return found;
}

/** One finding per rule that matches in the file, citing every matching line (up to {@link MAX_EVIDENCE_LINES}). */
export function riskyPatternFindings(file: SourceFile): AuditFinding[] {
  const rules = RISKY_PATTERN_RULES.filter((rule) => appliesTo(rule, file));
  const lines = scanLines(file);
  const hits = new Map<RiskyPatternRule, number[]>();
  const inTest = isTestPath(file.path);
  for (const index of hintedLines(file)) {
    const line = lines[index];
    const raw = file.lines[index] ?? '';
    if (line === undefined) continue;
    let input: RuleInput | null = null;
    for (const rule of rules) {
      if (!rule.hint.test(raw)) continue;
      input ??= { raw, line, index, lines, inTest };
      if (!rule.matches(input)) continue;
      const found = hits.get(rule) ?? [];
      found.push(index + 1);
      hits.set(rule, found);
    }
  }
  return [...hits].map(([rule, lineNumbers]) => {
    const weight = inTest && rule.id !== 'hard-coded-secret' ? TEST_FILE_WEIGHT : 1;
    const repeated = Math.min(0.15, 0.03 * (lineNumbers.length - 1));
    const count = lineNumbers.length === 1 ? '' : `${lineNumbers.length} × `;
    return {
      category: 'risky_pattern',
      severity: clampSeverity((rule.severity + repeated) * weight),
      title: `${file.path}: ${count}${rule.label} (line${lineNumbers.length === 1 ? '' : 's'} ${describeLines(lineNumbers)})`,
      detail: `${rule.label} on line${lineNumbers.length === 1 ? '' : 's'} ${describeLines(lineNumbers, 20)}. ${rule.advice}`,
      evidence: lineNumbers.slice(0, MAX_EVIDENCE_LINES).map((line) => evidenceReference(file.path, line)),
      path: file.path,
      key: `risky_pattern:${file.path}:${rule.id}`,
    } satisfies AuditFinding;
  });
}
