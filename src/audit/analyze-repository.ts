import { compareFindings, compareText, type AuditFinding } from './audit-finding.js';
import { cycleFindings } from './cycle-findings.js';
import { duplicationFindings } from './duplication-findings.js';
import { collectImportEdges } from './import-graph.js';
import type { SourceFile } from './source-file.js';
import { untestedFindings } from './untested-findings.js';

/**
 * Cross-file findings: untested modules, import cycles (each elementary cycle once, evidence = the import lines)
 * and duplicated blocks (pairs, evidence = both copies). Pure: reads only `files`; the result does not depend on
 * their order. Ordered most severe first, then by key.
 */
export function analyzeRepository(files: readonly SourceFile[]): AuditFinding[] {
  const sorted = [...files].sort((left, right) => compareText(left.path, right.path));
  const edges = collectImportEdges(sorted);
  return [...untestedFindings(sorted, edges), ...cycleFindings(edges), ...duplicationFindings(sorted)].sort(
    compareFindings,
  );
}
