import { acronymExpansions } from './acronyms.js';

/** Longest query text looked at, in characters; the rest is ignored (it keeps hostile input cheap). */
export const MAX_QUERY_CHARS = 10_000;

/** The store searches at most this many words; the content words beyond it would be dropped there anyway. */
const MAX_SEARCH_WORDS = 32;

/**
 * English function words. The store ORs every query word, so one "the" would make the full-text search score
 * nearly every row: dropping them keeps the search both cheaper and sharper.
 */
const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here hers ' +
    'him his how i if in into is it its itself just me more most my myself of off on once only or other our ours out ' +
    'over own same she should so some such than that the their theirs them then there these they this those through ' +
    'to too under until up very was we were what when where which while who whom why will with would you your yours ' +
    'anyone anything everyone someone something know knows known tell told please let lets also any still yet ' +
    'no not nor s t d ll m re ve'
  ).split(' '),
);

/**
 * Words that name no particular code but sit in a large share of code-audit memories (file extensions, `src`,
 * `line`): at 100k memories each is in about a quarter of them, costs the search most of its time, and adds
 * almost nothing to bm25 (its inverse document frequency is near zero). Inside a code name they still count.
 */
const CODE_NOISE_WORDS = new Set(
  'src js jsx mjs cjs ts tsx mts cts py go rs rb java kt php cs cpp cc hpp h c json yaml yml toml md line lines'.split(' '),
);

/** The words of a text as the store's search sees them: letters, digits and `_`, lower-cased, in order, no repeats. */
export function textWords(text: string): string[] {
  const words = text.slice(0, MAX_QUERY_CHARS).toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  return [...new Set(words)];
}

/** True for a word worth searching: not a stop word, not code noise. */
export function isContentWord(word: string): boolean {
  return !STOP_WORDS.has(word) && !CODE_NOISE_WORDS.has(word);
}

/**
 * The query text to hand the store's full-text search: the query's content words (stop words and code noise
 * removed), at most the number the store searches; all its words when it has nothing else. Empty when it has no words.
 */
export function focusQuery(query: string): string {
  const words = textWords(query);
  const content = words.filter(isContentWord);
  return (content.length > 0 ? content : words).slice(0, MAX_SEARCH_WORDS).join(' ');
}

/** A query with what its acronyms stand for: as the store should search it, and as relevance should score it. */
export interface ExpandedQuery {
  /** Query, then each expansion as one `_`-joined word (searched as a phrase: "server_side_request_forgery"). */
  search: string;
  /** Query, then each expansion's words. */
  scoring: string;
}

/** The query cut to MAX_QUERY_CHARS, followed by what its acronyms stand for (and the acronyms of what it spells out). */
export function expandAcronyms(query: string): ExpandedQuery {
  const cut = query.slice(0, MAX_QUERY_CHARS);
  const expansions = acronymExpansions(textWords(cut));
  if (expansions.length === 0) return { search: cut, scoring: cut };
  return {
    search: `${cut} ${expansions.map((words) => words.join('_')).join(' ')}`,
    scoring: `${cut} ${expansions.map((words) => words.join(' ')).join(' ')}`,
  };
}
