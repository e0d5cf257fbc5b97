/** Longest stem kept: a truncation stemmer (first five letters after the inflection is cut) joins word families. */
const STEM_LENGTH = 5;

/**
 * A crude, fast stem: lower-cased, plural and verb endings cut (`queries` → `query`, `hashed` → `hash`), then
 * truncated to five letters (`injection`, `injectable`, `inject` → `injec`). Good enough to match the forms
 * the store's porter stemmer matches; it only ever reorders memories the store already found.
 */
export function stem(word: string): string {
  let base = word.toLowerCase();
  if (base.length > 4 && base.endsWith('ies')) base = `${base.slice(0, -3)}y`;
  else if (base.length > 5 && base.endsWith('ing')) base = base.slice(0, -3);
  else if (base.length > 4 && base.endsWith('ed')) base = base.slice(0, -2);
  else if (base.length > 4 && base.endsWith('es')) base = base.slice(0, -2);
  else if (base.length > 3 && base.endsWith('s') && !base.endsWith('ss')) base = base.slice(0, -1);
  return base.slice(0, STEM_LENGTH);
}

/** The stems of a text's words (letters and digits), in order, with repeats. */
export function stems(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(stem);
}
