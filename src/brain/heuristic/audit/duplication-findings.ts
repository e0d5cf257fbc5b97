import { createHash } from 'node:crypto';
import { compareText, evidenceReference, scaledSeverity, type AuditFinding } from './audit-finding.js';
import { significantLines, type SignificantLine } from './significant-lines.js';
import type { SourceFile } from './source-file.js';
import { isTestPath } from './test-path.js';

/** Blocks shorter than this many significant lines are not reported as duplicates. */
export const MIN_DUPLICATE_LINES = 6;
/** Most duplicate pairs reported (largest first), so generated look-alike code cannot flood the report. */
export const MAX_DUPLICATION_FINDINGS = 200;
/** A window seen in more places than this is boilerplate; only its first occurrences are paired. */
const MAX_WINDOW_OCCURRENCES = 10;

interface Indexed {
  path: string;
  lines: SignificantLine[];
  ids: Int32Array;
}

interface Block {
  left: Indexed;
  right: Indexed;
  leftStart: number;
  rightStart: number;
  length: number;
}

function indexFiles(files: readonly SourceFile[]): Indexed[] {
  const idOf = new Map<string, number>();
  return files.map((file) => {
    const lines = significantLines(file);
    const ids = new Int32Array(lines.length);
    lines.forEach((line, position) => {
      let id = idOf.get(line.text);
      if (id === undefined) {
        id = idOf.size;
        idOf.set(line.text, id);
      }
      ids[position] = id;
    });
    return { path: file.path, lines, ids };
  });
}

function windowOccurrences(indexed: readonly Indexed[]): Map<string, Array<{ file: Indexed; start: number }>> {
  const windows = new Map<string, Array<{ file: Indexed; start: number }>>();
  for (const file of indexed) {
    for (let start = 0; start + MIN_DUPLICATE_LINES <= file.ids.length; start += 1) {
      const key = file.ids.subarray(start, start + MIN_DUPLICATE_LINES).join(',');
      const occurrences = windows.get(key);
      if (occurrences === undefined) windows.set(key, [{ file, start }]);
      else if (occurrences.length < MAX_WINDOW_OCCURRENCES) occurrences.push({ file, start });
    }
  }
  return windows;
}

/** Extends a matching window to the whole block; null when it is the tail of a longer block or overlaps itself. */
function maximalBlock(left: Indexed, leftStart: number, right: Indexed, rightStart: number): Block | null {
  const sameFile = left === right;
  if (sameFile && rightStart < leftStart + MIN_DUPLICATE_LINES) return null;
  if (leftStart > 0 && rightStart > 0 && left.ids[leftStart - 1] === right.ids[rightStart - 1]) return null;
  let length = MIN_DUPLICATE_LINES;
  while (
    leftStart + length < left.ids.length &&
    rightStart + length < right.ids.length &&
    left.ids[leftStart + length] === right.ids[rightStart + length] &&
    !(sameFile && leftStart + length >= rightStart)
  ) {
    length += 1;
  }
  return { left, right, leftStart, rightStart, length };
}

function lineRange(file: Indexed, start: number, length: number): { first: number; last: number } {
  return { first: file.lines[start]?.line ?? 1, last: file.lines[start + length - 1]?.line ?? 1 };
}

function toFinding(block: Block): AuditFinding {
  const left = lineRange(block.left, block.leftStart, block.length);
  const right = lineRange(block.right, block.rightStart, block.length);
  const text = block.left.lines.slice(block.leftStart, block.leftStart + block.length).map((line) => line.text);
  const digest = createHash('sha1').update(text.join('\n')).digest('hex').slice(0, 12);
  const bothTests = isTestPath(block.left.path) && isTestPath(block.right.path);
  const severity = scaledSeverity(block.length, MIN_DUPLICATE_LINES, { base: 0.25, perDoubling: 0.15, maximum: 0.8 });
  const where = `${block.left.path}:${left.first}-${left.last} and ${block.right.path}:${right.first}-${right.last}`;
  return {
    category: 'duplication',
    severity: bothTests ? Math.round(severity * 70) / 100 : severity,
    title: `${block.left.path}: ${block.length} lines duplicated in ${block.right.path}:${right.first}`,
    detail:
      `The same ${block.length} lines of code appear at ${where} (starting "${text[0]?.slice(0, 60) ?? ''}"). ` +
      'Copies drift apart: a fix applied to one is missed in the other. Extract the shared block into one ' +
      'function both places call.',
    evidence: [evidenceReference(block.left.path, left.first), evidenceReference(block.right.path, right.first)],
    path: block.left.path,
    key: `duplication:${block.left.path}:${block.right.path}:${digest}`,
  };
}

/**
 * Pairs of code blocks of at least {@link MIN_DUPLICATE_LINES} identical normalised significant lines (hashed
 * windows, extended to the whole block), each pair once; evidence is the first line of each copy.
 */
export function duplicationFindings(files: readonly SourceFile[]): AuditFinding[] {
  const blocks: Block[] = [];
  for (const occurrences of windowOccurrences(indexFiles(files)).values()) {
    for (let first = 0; first < occurrences.length; first += 1) {
      for (let second = first + 1; second < occurrences.length; second += 1) {
        const left = occurrences[first];
        const right = occurrences[second];
        if (left === undefined || right === undefined) continue;
        const block = maximalBlock(left.file, left.start, right.file, right.start);
        if (block !== null) blocks.push(block);
      }
    }
  }
  const findings = blocks.map(toFinding);
  const unique = new Map(findings.map((finding) => [finding.key, finding]));
  return [...unique.values()]
    .sort((left, right) => right.severity - left.severity || compareText(left.key, right.key))
    .slice(0, MAX_DUPLICATION_FINDINGS);
}
