import { codeTokens, isCodeAnchor } from './code-anchors.js';

/** Default similarity (Jaccard of word pairs) at or above which two memory texts count as the same finding. */
export const NEAR_DUPLICATE_THRESHOLD = 0.7;

/** Words that flip a statement: "input is escaped" and "input is not escaped" must never merge. */
const NEGATIONS = new Set(['not', 'no', 'never', 'without', 'none', 'nothing', 'neither', 'nor', 'cannot', 'nobody', 'nowhere']);

/** What near-duplicate detection compares of a text: its word pairs, the code it names, and its negations. */
export interface TextFingerprint {
  /** Lower-cased word bigrams (single words for a one-word text). */
  readonly shingles: ReadonlySet<string>;
  /** Names of code the text points at (paths, dotted or snake_case or camelCase identifiers, words with digits). */
  readonly anchors: ReadonlySet<string>;
  /** How many negating words the text has. */
  readonly negations: number;
}

/** Splits hyphenated words ("cross-site") into words; anchors were taken before, whole. */
function words(tokens: readonly string[]): string[] {
  return tokens.flatMap((token) => (isCodeAnchor(token) ? [token] : token.split('-')));
}

/**
 * The fingerprint of a text: NFKC, case-folded; contractions such as "isn't" count as "not"; line numbers
 * (`users.ts:42`, `line 42`, `lines 40-44`) are left out, as re-reports of one finding often cite a neighbouring line.
 */
export function fingerprint(text: string): TextFingerprint {
  const normalised = text
    .normalize('NFKC')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/n't\b/gi, ' not')
    .replace(/(?<=:|\blines? )\d+(?:-\d+)?/gi, '');
  const tokens = codeTokens(normalised);
  const anchors = new Set(tokens.filter(isCodeAnchor).map((token) => token.toLowerCase()));
  const lowered = words(tokens).map((word) => word.toLowerCase());
  const shingles = new Set<string>();
  if (lowered.length === 1 && lowered[0] !== undefined) shingles.add(lowered[0]);
  for (let index = 1; index < lowered.length; index += 1) shingles.add(`${lowered[index - 1]} ${lowered[index]}`);
  const negations = lowered.filter((word) => NEGATIONS.has(word)).length;
  return { shingles, anchors, negations };
}

function sameSet(left: ReadonlySet<string>, right: ReadonlySet<string>): boolean {
  if (left.size !== right.size) return false;
  for (const value of left) if (!right.has(value)) return false;
  return true;
}

/**
 * How much two fingerprints say the same thing, 0..1: the Jaccard index of their word pairs, but 0 when they
 * name different code (different anchors) or one negates what the other does not.
 */
export function fingerprintSimilarity(left: TextFingerprint, right: TextFingerprint): number {
  if (left.negations !== right.negations || !sameSet(left.anchors, right.anchors)) return 0;
  if (left.shingles.size === 0 && right.shingles.size === 0) return 1;
  let shared = 0;
  for (const shingle of left.shingles) if (right.shingles.has(shingle)) shared += 1;
  return shared / (left.shingles.size + right.shingles.size - shared);
}

/**
 * True when two memory texts say nearly the same thing: word-pair Jaccard ≥ `threshold` (default
 * NEAR_DUPLICATE_THRESHOLD), naming the same code and with the same negations. Case, punctuation and spacing
 * never matter; a different file, identifier, version or a "not" always does.
 */
export function isNearDuplicate(a: string, b: string, threshold: number = NEAR_DUPLICATE_THRESHOLD): boolean {
  return fingerprintSimilarity(fingerprint(a), fingerprint(b)) >= threshold;
}
