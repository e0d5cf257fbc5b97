import type { MemoryItem, MemoryKind } from '../../protocol/index.js';
import type { CollectiveStore } from '../../store/index.js';
import { MemoryError } from './memory-error.js';
import { NEAR_DUPLICATE_THRESHOLD, type TextFingerprint, fingerprint, fingerprintSimilarity } from './near-duplicate.js';
import { codeAnchors } from './code-anchors.js';
import { relatedAnchors } from './expand-query.js';
import { MAX_QUERY_CHARS, focusQuery } from './query-terms.js';

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
  /** Full-text hits taken as candidates, `limit`..1000; default max(50, 5 × limit). */
  candidatePool?: number;
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
 * Relevance counts most: a query asks about something, and recency and importance break ties between memories
 * about it and let a fresh or important memory in when little matches. With all weights equal (the paper's
 * choice) a fresh, important but unrelated memory outranks a relevant week-old one.
 */
export const DEFAULT_RETRIEVAL_WEIGHTS: Readonly<RetrievalWeights> = Object.freeze({ recency: 0.3, importance: 0.3, relevance: 1 });

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
  expand: boolean;
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
  const candidatePool = checkInteger('candidatePool', options.candidatePool ?? Math.max(50, 5 * limit), limit, MAX_CANDIDATE_POOL);
  const now = options.now ?? Date.now();
  if (!Number.isFinite(now)) throw invalid(`now must be a finite time in ms, got ${now}`);
  const halfLifeMs = options.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
  if (!Number.isFinite(halfLifeMs) || halfLifeMs <= 0) throw invalid(`halfLifeMs must be a positive number, got ${halfLifeMs}`);
  return { limit, now, halfLifeMs, candidatePool, expand: (options as { expand?: boolean }).expand ?? true, weights: checkWeights(options.weights ?? DEFAULT_RETRIEVAL_WEIGHTS) };
}

/** Exponential decay: 1 for a memory made at `now` (or later), 0.5 one half-life before, toward 0 with age. */
export function recencyOf(createdAt: string, now: number, halfLifeMs: number): number {
  const age = Math.max(0, now - Date.parse(createdAt));
  return Number.isFinite(age) ? 0.5 ** (age / halfLifeMs) : 0;
}

/** Full-text hits, then the most recent and most important memories: each candidate once, with its raw relevance. */
async function gatherCandidates(store: CollectiveStore, options: RetrieveOptions, settings: Settings): Promise<Map<string, { item: MemoryItem; raw: number }>> {
  const kinds = options.kinds === undefined ? {} : { kinds: options.kinds };
  const query = focusQuery(options.query);
  const [firstHits, recent, important] = await Promise.all([
    query === '' ? Promise.resolve([]) : store.searchMemory(query, { limit: settings.candidatePool, ...kinds }),
    store.listMemory({ order: 'recency', limit: settings.limit, ...kinds }),
    store.listMemory({ order: 'importance', limit: settings.limit, ...kinds }),
  ]);
  let hits = firstHits;
  const related = settings.expand ? relatedAnchors(codeAnchors(options.query.slice(0, MAX_QUERY_CHARS)), firstHits.map((hit) => hit.item.content)) : [];
  if (related.length > 0) hits = await store.searchMemory(focusQuery(`${related.join(' ')} ${query}`), { limit: settings.candidatePool, ...kinds });
  const candidates = new Map<string, { item: MemoryItem; raw: number }>();
  for (const hit of hits) if (!candidates.has(hit.item.id)) candidates.set(hit.item.id, { item: hit.item, raw: hit.relevance });
  for (const item of [...recent, ...important]) if (!candidates.has(item.id)) candidates.set(item.id, { item, raw: 0 });
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
 * scored (recency exponential decay, importance as stored, relevance = bm25 normalised to 0..1 within the
 * candidates), deduplicated, best first. Cost must not grow with the memory size beyond the store's indexed
 * queries: three store reads of bounded size, then work on at most candidatePool + 2 × limit items.
 * Any query text is safe (only its words are searched). Bad options reject with `MemoryError('invalid_input')`.
 */
export async function retrieveMemory(store: CollectiveStore, options: RetrieveOptions): Promise<ScoredMemory[]> {
  const settings = settingsOf(options);
  const candidates = await gatherCandidates(store, options, settings);
  const best = Math.max(0, ...[...candidates.values()].map((candidate) => candidate.raw));
  const { weights } = settings;
  const scored = [...candidates.values()].map(({ item, raw }): ScoredMemory => {
    const recency = recencyOf(item.createdAt, settings.now, settings.halfLifeMs);
    const relevance = best > 0 ? Math.min(1, Math.max(0, raw / best)) : 0;
    const score = weights.recency * recency + weights.importance * item.importance + weights.relevance * relevance;
    return { item, score, recency, importance: item.importance, relevance };
  });
  return bestDistinct(scored.sort(byScore), settings.limit);
}
