import { createHash } from 'node:crypto';
import {
  clampSeverity,
  compareFindings,
  compareText,
  evidenceReference,
  scaledSeverity,
  type AuditFinding,
} from './audit-finding.js';
import { significantLines, type SignificantLine } from './significant-lines.js';
import type { SourceFile } from './source-file.js';
import { isTestPath } from './test-path.js';

/** Blocks shorter than this many significant lines are not reported as duplicates. */
export const MIN_DUPLICATE_LINES = 6;
/** Most duplicated blocks reported (most severe first), so generated look-alike code cannot flood the report. */
export const MAX_DUPLICATION_FINDINGS = 100;
/** Most copies cited as evidence for one duplicated block. */
const MAX_COPIES_CITED = 10;
/** Duplication among tests only (set-up, fixtures) matters less than in shipped code. */
const TEST_WEIGHT = 0.7;
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

const HASH_MODULUS = 1 << 26;

/**
 * Numeric keys for every window of {@link MIN_DUPLICATE_LINES} line ids: two independent 26-bit polynomial hashes
 * packed into one safe integer (collisions are ruled out later by comparing the ids themselves).
 */
function windowKeys(ids: Int32Array): Float64Array {
  const keys = new Float64Array(Math.max(0, ids.length - MIN_DUPLICATE_LINES + 1));
  for (let start = 0; start < keys.length; start += 1) {
    let first = 0;
    let second = 0;
    for (let offset = 0; offset < MIN_DUPLICATE_LINES; offset += 1) {
      const id = ids[start + offset] ?? 0;
      first = (first * 1_000_003 + id + 1) % HASH_MODULUS;
      second = (second * 998_244 + id + 7) % HASH_MODULUS;
    }
    keys[start] = first * HASH_MODULUS + second;
  }
  return keys;
}

function windowOccurrences(indexed: readonly Indexed[]): Map<number, Array<{ file: Indexed; start: number }>> {
  const windows = new Map<number, Array<{ file: Indexed; start: number }>>();
  for (const file of indexed) {
    windowKeys(file.ids).forEach((key, start) => {
      const occurrences = windows.get(key);
      if (occurrences === undefined) windows.set(key, [{ file, start }]);
      else if (occurrences.length < MAX_WINDOW_OCCURRENCES) occurrences.push({ file, start });
    });
  }
  return windows;
}

function sameWindow(left: Indexed, leftStart: number, right: Indexed, rightStart: number): boolean {
  for (let offset = 0; offset < MIN_DUPLICATE_LINES; offset += 1) {
    if (left.ids[leftStart + offset] !== right.ids[rightStart + offset]) return false;
  }
  return true;
}

/** Extends a matching window to the whole block; null when it is the tail of a longer block or overlaps itself. */
function maximalBlock(left: Indexed, leftStart: number, right: Indexed, rightStart: number): Block | null {
  const sameFile = left === right;
  if (sameFile && rightStart < leftStart + MIN_DUPLICATE_LINES) return null;
  if (!sameWindow(left, leftStart, right, rightStart)) return null;
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

interface Copy {
  path: string;
  first: number;
  last: number;
}

interface CloneGroup {
  digest: string;
  text: string[];
  copies: Map<string, Copy>;
}

function copyOf(file: Indexed, start: number, length: number): Copy {
  return { path: file.path, first: file.lines[start]?.line ?? 1, last: file.lines[start + length - 1]?.line ?? 1 };
}

/** Merges pairs with the same content into one group per duplicated block, so N copies make one finding. */
function groupBlocks(blocks: readonly Block[]): CloneGroup[] {
  const groups = new Map<string, CloneGroup>();
  for (const block of blocks) {
    const text = block.left.lines.slice(block.leftStart, block.leftStart + block.length).map((line) => line.text);
    const digest = createHash('sha1').update(text.join('\n')).digest('hex').slice(0, 12);
    const group = groups.get(digest) ?? { digest, text, copies: new Map<string, Copy>() };
    for (const copy of [copyOf(block.left, block.leftStart, block.length), copyOf(block.right, block.rightStart, block.length)]) {
      group.copies.set(`${copy.path}:${copy.first}`, copy);
    }
    groups.set(digest, group);
  }
  return [...groups.values()];
}

function toFinding(group: CloneGroup): AuditFinding {
  const copies = [...group.copies.values()].sort((left, right) => compareText(left.path, right.path) || left.first - right.first);
  const [first, second] = copies;
  const length = group.text.length;
  const allTests = copies.every((copy) => isTestPath(copy.path));
  const base = scaledSeverity(length, MIN_DUPLICATE_LINES, { base: 0.25, perDoubling: 0.15, maximum: 0.8 });
  const severity = clampSeverity((base + Math.min(0.15, 0.05 * (copies.length - 2))) * (allTests ? TEST_WEIGHT : 1));
  const where = copies.map((copy) => `${copy.path}:${copy.first}-${copy.last}`);
  const more = where.length > 6 ? ` and ${where.length - 6} more` : '';
  const title =
    copies.length === 2
      ? `${first?.path ?? ''}: ${length} lines duplicated in ${second?.path ?? ''}:${second?.first ?? 0}`
      : `${first?.path ?? ''}: ${length} lines repeated in ${copies.length} places`;
  return {
    category: 'duplication',
    severity,
    title,
    detail:
      `The same ${length} lines of code appear at ${where.slice(0, 6).join(', ')}${more} ` +
      `(starting "${group.text[0]?.slice(0, 60) ?? ''}"). Copies drift apart: a fix applied to one is missed in ` +
      'the others. Extract the shared block into one function (or table) every place uses.',
    evidence: copies.slice(0, MAX_COPIES_CITED).map((copy) => evidenceReference(copy.path, copy.first)),
    path: first?.path ?? '',
    key: `duplication:${first?.path ?? ''}:${group.digest}`,
  };
}

/**
 * Code blocks of at least {@link MIN_DUPLICATE_LINES} identical normalised significant lines found in two or more
 * places (hashed windows, extended to the whole block). One finding per duplicated block; evidence is the first
 * line of each copy (a pair gives both locations).
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
  return groupBlocks(blocks)
    .map(toFinding)
    .sort(compareFindings)
    .slice(0, MAX_DUPLICATION_FINDINGS);
}
