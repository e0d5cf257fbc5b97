import { clampSeverity, describeLines, evidenceReference, type AuditFinding } from './audit-finding.js';
import { RISKY_PATTERN_RULES, type RiskyPatternRule } from './risky-pattern-rules.js';
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

/** One finding per rule that matches in the file, citing every matching line (up to {@link MAX_EVIDENCE_LINES}). */
export function riskyPatternFindings(file: SourceFile): AuditFinding[] {
  const rules = RISKY_PATTERN_RULES.filter((rule) => appliesTo(rule, file));
  const lines = scanLines(file);
  const hits = new Map<RiskyPatternRule, number[]>();
  lines.forEach((line, index) => {
    if (line.code.trim() === '' && line.comment.trim() === '') return;
    const raw = file.lines[index] ?? '';
    for (const rule of rules) {
      if (!rule.hint.test(raw) || !rule.matches({ raw, line, index, lines })) continue;
      const found = hits.get(rule) ?? [];
      found.push(index + 1);
      hits.set(rule, found);
    }
  });
  const inTest = isTestPath(file.path);
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
