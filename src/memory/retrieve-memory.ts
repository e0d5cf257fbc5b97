import type { MemoryItem, MemoryKind } from '../protocol/index.js';
import type { CollectiveStore, MemoryHit } from '../store/index.js';
import { asSearchText, codeSearchText } from './code-anchors.js';
import { codeRelevance, textRelevance } from './code-relevance.js';
import { MemoryError } from './memory-error.js';
import { NEAR_DUPLICATE_THRESHOLD, type TextFingerprint, fingerprint, fingerprintSimilarity } from './near-duplicate.js';
import { MAX_QUERY_CHARS, expandAcronyms, focusQuery } from './query-terms.js';

/** How much each component counts in a memory's score (each component is 0..1). */
export interface RetrievalWeights {
  recency: number;
  importance: number;
  relevance: number;
}

/** What to retrieve; every field but `query` has a default. */
export interface RetrieveOptions {
  query: string;
  /** Most memories returned, 1..100; default 10. */
  limit?: number;
  /** The time recency is measured from, ms since the epoch; default `Date.now()`. */
  now?: number;
  /** Default DEFAULT_RETRIEVAL_WEIGHTS. */
  weights?: RetrievalWeights;
  /** Age at which recency has halved; default DEFAULT_HALF_LIFE_MS. */
  halfLifeMs?: number;
  /** Only these kinds; default every kind. */
  kinds?: MemoryKind[];
  /** Hits taken from each full-text search as candidates, `limit`..1000; default max(100, 5 × limit). */
  candidatePool?: number;
  /** Code-aware relevance when the query names code (default true); false: the store's bm25 of the query's words alone, one search. */
  codeAware?: boolean;
}

/** One retrieved memory with its score and the three components (each 0..1) the score was made of. */
export interface ScoredMemory {
  item: MemoryItem;
  score: number;
  recency: number;
  importance: number;
  relevance: number;
}

/**
 * Relevance leads: a query asks about something. Recency and importance (at most 0.1 each) reorder memories of
 * about equal relevance and fill the list when little matches. With all weights equal (the Generative Agents
 * choice) a fresh, important but unrelated memory outranks a relevant week-old one; `npm run bench:memory`
 * prints what each choice costs in recall.
 */
export const DEFAULT_RETRIEVAL_WEIGHTS: Readonly<RetrievalWeights> = Object.freeze({ recency: 0.1, importance: 0.1, relevance: 1 });

/** Recency halves every day by default: an audit's findings stay useful for its whole run, yesterday's less. */
export const DEFAULT_HALF_LIFE_MS = 24 * 60 * 60 * 1000;

const MAX_LIMIT = 100;
const MAX_CANDIDATE_POOL = 1000;

interface Settings {
  limit: number;
  now: number;
  weights: RetrievalWeights;
  halfLifeMs: number;
  candidatePool: number;
  codeAware: boolean;
}

function invalid(message: string): MemoryError {
  return new MemoryError('invalid_input', message);
}

function checkInteger(name: string, value: number, low: number, high: number): number {
  if (!Number.isInteger(value) || value < low || value > high) throw invalid(`${name} must be an integer from ${low} to ${high}, got ${value}`);
  return value;
}

function checkWeights(weights: RetrievalWeights): RetrievalWeights {
  for (const [name, value] of Object.entries(weights)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalid(`weight ${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
  return weights;
}

function settingsOf(options: RetrieveOptions): Settings {
  if (typeof options.query !== 'string') throw invalid('query must be a string');
  const limit = checkInteger('limit', options.limit ?? 10, 1, MAX_LIMIT);
  const candidatePool = checkInteger('candidatePool', options.candidatePool ?? Math.max(100, 5 * limit), limit, MAX_CANDIDATE_POOL);
  const now = options.now ?? Date.now();
  if (!Number.isFinite(now)) throw invalid(`now must be a finite time in ms, got ${now}`);
  const halfLifeMs = options.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
  if (!Number.isFinite(halfLifeMs) || halfLifeMs <= 0) throw invalid(`halfLifeMs must be a positive number, got ${halfLifeMs}`);
  return { limit, now, halfLifeMs, candidatePool, codeAware: options.codeAware ?? true, weights: checkWeights(options.weights ?? DEFAULT_RETRIEVAL_WEIGHTS) };
}

/** Exponential decay: 1 for a memory made at `now` (or later), 0.5 one half-life before, toward 0 with age. */
export function recencyOf(createdAt: string, now: number, halfLifeMs: number): number {
  const age = Math.max(0, now - Date.parse(createdAt));
  return Number.isFinite(age) ? 0.5 ** (age / halfLifeMs) : 0;
}

/** Hits of the first search, then those only the second found (their store relevance unknown: 0). */
function mergeHits(first: readonly MemoryHit[], second: readonly MemoryHit[]): MemoryHit[] {
  const seen = new Set(first.map((hit) => hit.item.id));
  return [...first, ...second.filter((hit) => !seen.has(hit.item.id)).map((hit) => ({ item: hit.item, relevance: 0 }))];
}

/**
 * The candidates, each once with its relevance 0..1: full-text hits for the query's words, hits for the code it
 * names (when it names any), then the most recent and most important memories (relevance 0 unless also hit).
 */
async function gatherCandidates(store: CollectiveStore, options: RetrieveOptions, settings: Settings): Promise<Map<string, { item: MemoryItem; relevance: number }>> {
  const kinds = options.kinds === undefined ? {} : { kinds: options.kinds };
  const search = (text: string): Promise<MemoryHit[]> =>
    text === '' ? Promise.resolve([]) : store.searchMemory(text, { limit: settings.candidatePool, ...kinds });
  const cut = options.query.slice(0, MAX_QUERY_CHARS);
  const query = settings.codeAware ? expandAcronyms(cut) : { search: cut, scoring: cut };
  const [wordHits, codeHits, recent, important] = await Promise.all([
    search(focusQuery(settings.codeAware ? asSearchText(query.search) : cut)),
    settings.codeAware ? search(focusQuery(codeSearchText(cut))) : Promise.resolve([]),
    store.listMemory({ order: 'recency', limit: settings.limit, ...kinds }),
    store.listMemory({ order: 'importance', limit: settings.limit, ...kinds }),
  ]);
  const hits = mergeHits(wordHits, codeHits);
  const relevance = settings.codeAware ? codeRelevance(query.scoring, hits) : textRelevance(hits);
  const candidates = new Map<string, { item: MemoryItem; relevance: number }>();
  for (const hit of hits) candidates.set(hit.item.id, { item: hit.item, relevance: relevance.get(hit.item.id) ?? 0 });
  for (const item of [...recent, ...important]) if (!candidates.has(item.id)) candidates.set(item.id, { item, relevance: 0 });
  return candidates;
}

function byScore(left: ScoredMemory, right: ScoredMemory): number {
  return right.score - left.score || right.relevance - left.relevance || right.item.createdAt.localeCompare(left.item.createdAt) || left.item.id.localeCompare(right.item.id);
}

/** Best first, skipping any memory that near-duplicates one already kept, until `limit`. */
function bestDistinct(scored: readonly ScoredMemory[], limit: number): ScoredMemory[] {
  const kept: Array<{ memory: ScoredMemory; print: TextFingerprint }> = [];
  for (const memory of scored) {
    if (kept.length >= limit) break;
    const print = fingerprint(memory.item.content);
    if (kept.some((other) => fingerprintSimilarity(other.print, print) >= NEAR_DUPLICATE_THRESHOLD)) continue;
    kept.push({ memory, print });
  }
  return kept.map((entry) => entry.memory);
}

/**
 * Top memories for a query: candidates from full-text search plus the most recent and most important, each
 * scored (recency exponential decay, importance as stored, relevance 0..1 within the candidates), near-duplicates
 * dropped, best first. Relevance is the store's bm25 normalised by the best hit; when the query names code
 * (a path, an identifier) it is code-aware instead: see codeRelevance. Cost does not grow with the memory size
 * beyond the store's indexed queries: two full-text searches and two index scans of bounded size, then work on
 * at most 2 × candidatePool + 2 × limit items. Any query text is safe (only its words are searched, and at most
 * MAX_QUERY_CHARS of it). Bad options reject with `MemoryError('invalid_input')`; store failures pass through.
 */
export async function retrieveMemory(store: CollectiveStore, options: RetrieveOptions): Promise<ScoredMemory[]> {
  const settings = settingsOf(options);
  const candidates = await gatherCandidates(store, options, settings);
  const { weights } = settings;
  const scored = [...candidates.values()].map(({ item, relevance }): ScoredMemory => {
    const recency = recencyOf(item.createdAt, settings.now, settings.halfLifeMs);
    const score = weights.recency * recency + weights.importance * item.importance + weights.relevance * relevance;
    return { item, score, recency, importance: item.importance, relevance };
  });
  return bestDistinct(scored.sort(byScore), settings.limit);
}
