/** A word, or a path / dotted name / version kept whole: `src/api/users.ts`, `req.query.name`, `1.2.3`. */
const CODE_TOKEN = /[\p{L}\p{N}]+(?:[._/-][\p{L}\p{N}]+)*/gu;

/** Longest text scanned for tokens, in characters (memory content is at most 64 KiB; queries are cut earlier). */
const MAX_SCANNED_CHARS = 20_000;

/** True for a token that names code rather than being a word: it has `.`, `/` or `_` inside, is camelCase, or mixes letters and digits. */
export function isCodeAnchor(token: string): boolean {
  if (/[./_]/.test(token)) return true;
  if (/\p{Ll}\p{Lu}/u.test(token)) return true;
  return /\p{L}/u.test(token) && /\p{N}/u.test(token);
}

/** The tokens of a text, case kept: words, and paths / dotted names / hyphenated words whole. */
export function codeTokens(text: string): string[] {
  return text.slice(0, MAX_SCANNED_CHARS).match(CODE_TOKEN) ?? [];
}

/** The names of code a text points at (paths, identifiers, versions), lower-cased, in order, without repeats. */
export function codeAnchors(text: string): string[] {
  return [...new Set(codeTokens(text).filter(isCodeAnchor).map((token) => token.toLowerCase()))];
}
