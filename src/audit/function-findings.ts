import { describeLines, evidenceReference, scaledSeverity, type AuditFinding } from './audit-finding.js';
import { analyzeControlFlow, type LineFlow } from './control-flow.js';
import { findFunctions, type FunctionSpan } from './find-functions.js';
import type { SourceFile } from './source-file.js';

/** A function longer than this many lines (header to closing line) is reported as `long_function`. */
export const LONG_FUNCTION_LINES = 60;
/** A function with at least this many decision points of its own is reported as `complexity` (ESLint's default `complexity` limit is 20). */
export const COMPLEX_FUNCTION_DECISIONS = 20;
/** Control blocks nested this deep inside one function are reported as `complexity`. */
export const DEEP_NESTING_LEVEL = 5;
/** Most branch lines cited as evidence for one complex function. */
const BRANCH_EVIDENCE_LINES = 4;

/** For each line, the index of the innermost function containing it (so nested functions keep their own branches). */
function innermostOwners(spans: readonly FunctionSpan[], lineCount: number): Int32Array {
  const owners = new Int32Array(lineCount).fill(-1);
  const bySize = spans.map((span, index) => ({ span, index })).sort((left, right) => {
    const size = right.span.end - right.span.start - (left.span.end - left.span.start);
    return size !== 0 ? size : left.index - right.index;
  });
  for (const { span, index } of bySize) owners.fill(index, span.start, span.end + 1);
  return owners;
}

/** Gives functions sharing a name in one file distinct keys (`name`, `name#2`, ...), in line order. */
function uniqueNames(spans: readonly FunctionSpan[]): string[] {
  const seen = new Map<string, number>();
  return spans.map((span) => {
    const count = (seen.get(span.name) ?? 0) + 1;
    seen.set(span.name, count);
    return count === 1 ? span.name : `${span.name}#${count}`;
  });
}

function longFunctionFinding(file: SourceFile, span: FunctionSpan, keyName: string): AuditFinding | null {
  const length = span.end - span.start + 1;
  if (length <= LONG_FUNCTION_LINES) return null;
  return {
    category: 'long_function',
    severity: scaledSeverity(length, LONG_FUNCTION_LINES, { base: 0.3, perDoubling: 0.2, maximum: 0.9 }),
    title: `${file.path}: function ${span.name} is ${length} lines long`,
    detail:
      `${span.name} spans lines ${span.start + 1}-${span.end + 1} (${length} lines; the limit used here is ` +
      `${LONG_FUNCTION_LINES}). A function that does not fit on a screen usually does several things, which ` +
      'makes it hard to test and to change safely. Split it into named steps, each with one job.',
    evidence: [evidenceReference(file.path, span.start + 1), evidenceReference(file.path, span.end + 1)],
    path: file.path,
    key: `long_function:${file.path}:${keyName}`,
  };
}

interface OwnFlow {
  decisions: number;
  nesting: number;
  nestingHeader: number | null;
  branchLines: number[];
}

function ownFlow(span: FunctionSpan, index: number, owners: Int32Array, flows: readonly LineFlow[]): OwnFlow {
  const baseline = flows[span.start]?.peak ?? 0;
  const result: OwnFlow = { decisions: 0, nesting: 0, nestingHeader: null, branchLines: [] };
  for (let line = span.start; line <= span.end; line += 1) {
    const flow = flows[line];
    if (flow === undefined) continue;
    if (flow.peak - baseline > result.nesting && flow.header !== null) {
      result.nesting = flow.peak - baseline;
      result.nestingHeader = flow.header;
    }
    if (owners[line] !== index || flow.decisions === 0) continue;
    result.decisions += flow.decisions;
    result.branchLines.push(line);
  }
  return result;
}

function complexityFinding(
  file: SourceFile,
  span: FunctionSpan,
  keyName: string,
  flow: OwnFlow,
  flows: readonly LineFlow[],
): AuditFinding | null {
  const tooBranchy = flow.decisions >= COMPLEX_FUNCTION_DECISIONS;
  const tooDeep = flow.nesting >= DEEP_NESTING_LEVEL && flow.nestingHeader !== null;
  if (!tooBranchy && !tooDeep) return null;
  const branchEvidence = [...flow.branchLines]
    .sort((left, right) => (flows[right]?.decisions ?? 0) - (flows[left]?.decisions ?? 0) || left - right)
    .slice(0, BRANCH_EVIDENCE_LINES);
  const deepest = tooDeep && flow.nestingHeader !== null ? [flow.nestingHeader] : [];
  const sorted = [...new Set([span.start, ...deepest, ...branchEvidence])].sort((left, right) => left - right);
  const severity = Math.max(
    tooBranchy ? scaledSeverity(flow.decisions, COMPLEX_FUNCTION_DECISIONS, { base: 0.35, perDoubling: 0.2 }) : 0,
    tooDeep ? scaledSeverity(flow.nesting, DEEP_NESTING_LEVEL, { base: 0.35, perDoubling: 0.3 }) : 0,
  );
  const parts = [
    ...(tooBranchy ? [`${flow.decisions} decision points`] : []),
    ...(tooDeep ? [`control blocks nested ${flow.nesting} deep`] : []),
  ];
  return {
    category: 'complexity',
    severity,
    title: `${file.path}: function ${span.name} has ${parts.join(' and ')}`,
    detail:
      `${span.name} (line ${span.start + 1}) has ${parts.join(' and ')}; branches on lines ` +
      `${describeLines(flow.branchLines.map((line) => line + 1))}. Every decision doubles the paths a reader and ` +
      'a test must cover. Return early, extract the inner blocks into named functions, or replace branch chains ' +
      'with a lookup table.',
    evidence: sorted.map((line) => evidenceReference(file.path, line + 1)),
    path: file.path,
    key: `complexity:${file.path}:${keyName}`,
  };
}

/** Long-function and complexity findings for every named function of a file, in line order. */
export function functionFindings(file: SourceFile): AuditFinding[] {
  const spans = findFunctions(file);
  if (spans.length === 0) return [];
  const flows = analyzeControlFlow(file);
  const owners = innermostOwners(spans, file.lines.length);
  const names = uniqueNames(spans);
  const findings: AuditFinding[] = [];
  spans.forEach((span, index) => {
    const keyName = names[index] ?? span.name;
    const long = longFunctionFinding(file, span, keyName);
    if (long !== null) findings.push(long);
    const complex = complexityFinding(file, span, keyName, ownFlow(span, index, owners, flows), flows);
    if (complex !== null) findings.push(complex);
  });
  return findings;
}
