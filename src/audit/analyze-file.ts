import { compareFindings, type AuditFinding } from './audit-finding.js';
import { functionFindings } from './function-findings.js';
import { markerFindings } from './marker-findings.js';
import { riskyPatternFindings } from './risky-pattern-findings.js';
import { sizeFindings } from './size-findings.js';
import type { SourceFile } from './source-file.js';

/**
 * Per-file findings: size hot spots, complexity (decision points / deep nesting per function), TODO-style markers,
 * long functions and risky patterns. Pure: reads only `file`. Ordered most severe first, then by key.
 */
export function analyzeFile(file: SourceFile): AuditFinding[] {
  return [
    ...sizeFindings(file),
    ...functionFindings(file),
    ...markerFindings(file),
    ...riskyPatternFindings(file),
  ].sort(compareFindings);
}
