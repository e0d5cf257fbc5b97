/** A word, or a path / dotted name / version kept whole: `src/api/users.ts`, `req.query.name`, `1.2.3`. */
const CODE_TOKEN = /[\p{L}\p{N}]+(?:[._/-][\p{L}\p{N}]+)*/gu;

/** Longest text scanned for tokens, in characters (memory content is at most 64 KiB; queries are cut earlier). */
const MAX_SCANNED_CHARS = 20_000;

/** Most parts of one code name searched as a phrase; longer names are cut (keeps hostile input cheap). */
const MAX_PHRASE_PARTS = 8;

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

/** Extensions of source and config files: `users.ts` is a file, `req.query.name` and `db.query` are not. */
const FILE_EXTENSION =
  /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs|py|go|rs|rb|java|kt|kts|scala|php|cs|cpp|cc|cxx|c|h|hpp|swift|m|sql|sh|bash|ps1|yaml|yml|json|toml|ini|xml|html|css|scss|vue|svelte|md|tf|proto|gradle|lock)$/;

/** The file name an anchor names (`src/api/users.ts` → `users.ts`, `users.ts` → itself), or null when it names no file. */
function fileName(anchor: string): string | null {
  const name = anchor.slice(anchor.lastIndexOf('/') + 1);
  return FILE_EXTENSION.test(name) ? name : null;
}

/**
 * The code a query names, as groups of equivalent names: a path with its file name (memories often say only
 * `users.ts`), each other name alone.
 */
export function anchorGroups(text: string): string[][] {
  return codeAnchors(text).map((anchor) => {
    const name = fileName(anchor);
    return name === null || name === anchor ? [anchor] : [anchor, name];
  });
}

/**
 * A file counts double an identifier in anchorAgreement: a file is one place, while `getUser` is defined in many
 * files, and re-reports of one finding often cite another function of the same file (a caller, a helper).
 */
const FILE_GROUP_WEIGHT = 2;

/** The weighted share (0..1) of the groups that a memory with these anchors names; 1 when there are no groups. */
export function anchorAgreement(groups: readonly (readonly string[])[], anchors: ReadonlySet<string>): number {
  if (groups.length === 0) return 1;
  let named = 0;
  let total = 0;
  for (const group of groups) {
    const weight = group.some((anchor) => fileName(anchor) !== null) ? FILE_GROUP_WEIGHT : 1;
    total += weight;
    if (group.some((anchor) => anchors.has(anchor))) named += weight;
  }
  return named / total;
}

/**
 * The code a text names, as the second search looks for it: its files when it names any (a file is one place;
 * an identifier such as `getUser` is in many files and would crowd the file's memories out of a bounded
 * search), otherwise its identifiers.
 */
export function codeSearchText(text: string): string {
  const anchors = codeAnchors(text);
  const files = anchors.filter((anchor) => fileName(anchor) !== null);
  return asSearchText((files.length > 0 ? files : anchors).join(' '));
}

/**
 * The text as the store should search it: every file path cut to its file name, and every code name written as
 * one word joined by `_` (`src/api/users-service.ts` → `users_service_ts`). Both stores search a word with `_`
 * as the phrase of its parts (SQLite FTS5 tokenizes a quoted "users_service_ts" into a phrase, PostgreSQL's
 * to_tsquery joins the parts with `<->`), so a memory must name exactly that file or identifier to match, and
 * `users.ts` no longer matches every memory that says "users". Memories that spell out the whole path still match.
 */
export function asSearchText(text: string): string {
  return text.slice(0, MAX_SCANNED_CHARS).replace(CODE_TOKEN, (token) => {
    if (!isCodeAnchor(token)) return token;
    const name = fileName(token) ?? token;
    return name
      .split(/[._/-]+/)
      .filter((part) => part !== '')
      .slice(0, MAX_PHRASE_PARTS)
      .join('_');
  });
}
