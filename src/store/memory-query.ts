/** Longest query, in words, that a memory search uses; the rest is ignored. */
const MAX_QUERY_WORDS = 32;

/** The words of a free-text query: letters and digits, lower-cased, in order, without repeats. */
export function queryWords(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_QUERY_WORDS);
}

/**
 * An FTS5 MATCH expression for free text: each word quoted (so no query text is ever FTS syntax), joined by
 * OR so partial matches still rank. Null when the text has no words.
 */
export function ftsQuery(query: string): string | null {
  const words = queryWords(query);
  if (words.length === 0) return null;
  return words.map((word) => `"${word}"`).join(' OR ');
}
