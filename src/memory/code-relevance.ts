import type { MemoryHit } from '../store/index.js';
import { anchorAgreement, anchorGroups, codeAnchors, codeTokens, isCodeAnchor } from './code-anchors.js';
import { relatedAnchors } from './expand-query.js';
import { isContentWord } from './query-terms.js';
import { stem, stems } from './term-stem.js';

/**
 * For a query that names code, relevance is mostly "is this memory about that code" (the share of the query's
 * code names it names), then "does it say what the query asks" (local bm25 of the query's other words), then
 * the store's own bm25 as a tie-breaker. Without the split, a memory about the same file on another topic and
 * one about the same topic in another file both outrank a paraphrase of the very finding asked for.
 */
const AGREEMENT_WEIGHT = 0.5;
const TOPIC_WEIGHT = 0.4;
const SEARCH_WEIGHT = 0.1;
/** Weight of a code name learnt by feedback, against 1 for a word of the query itself. */
const RELATED_WEIGHT = 0.5;
const K1 = 1.2;
const B = 0.75;

interface Candidate {
  id: string;
  content: string;
  search: number;
  agreement: number;
  anchors: ReadonlySet<string>;
  length: number;
  counts: ReadonlyMap<string, number>;
}

/** A query term: a stem of one of its words, or (from feedback) a whole code name. */
interface Term {
  key: string;
  weight: number;
  isAnchor: boolean;
}

function frequency(candidate: Candidate, term: Term): number {
  if (term.isAnchor) return candidate.anchors.has(term.key) ? 1 : 0;
  return candidate.counts.get(term.key) ?? 0;
}

/** Scales values so the largest is 1 (all 0 when none is positive). */
function normalised(values: ReadonlyMap<string, number>): Map<string, number> {
  const best = Math.max(0, ...values.values());
  return new Map([...values].map(([key, value]) => [key, best > 0 ? Math.min(1, Math.max(0, value / best)) : 0]));
}

/** bm25 of `terms` over the candidates, document frequencies counted within `reference` (the memories naming the code). */
function localBm25(terms: readonly Term[], candidates: readonly Candidate[], reference: readonly Candidate[]): Map<string, number> {
  const averageLength = candidates.reduce((sum, candidate) => sum + candidate.length, 0) / Math.max(1, candidates.length);
  const idf = terms.map((term) => {
    const having = reference.filter((candidate) => frequency(candidate, term) > 0).length;
    return Math.log(1 + (reference.length - having + 0.5) / (having + 0.5));
  });
  const scores = new Map<string, number>();
  for (const candidate of candidates) {
    const lengthNorm = K1 * (1 - B + (B * candidate.length) / Math.max(1, averageLength));
    let score = 0;
    terms.forEach((term, index) => {
      const count = frequency(candidate, term);
      if (count > 0) score += term.weight * (idf[index] ?? 0) * ((count * (K1 + 1)) / (count + lengthNorm));
    });
    scores.set(candidate.id, score);
  }
  return normalised(scores);
}

function candidateOf(hit: MemoryHit, searchBest: number, groups: readonly (readonly string[])[]): Candidate {
  const anchors = new Set(codeAnchors(hit.item.content));
  const itemStems = stems(hit.item.content);
  const counts = new Map<string, number>();
  for (const itemStem of itemStems) counts.set(itemStem, (counts.get(itemStem) ?? 0) + 1);
  const search = searchBest > 0 ? Math.max(0, hit.relevance / searchBest) : 0;
  return { id: hit.item.id, content: hit.item.content, search, agreement: anchorAgreement(groups, anchors), anchors, length: itemStems.length, counts };
}

/** The query's words that are not code names, stemmed, once each. */
function topicTerms(query: string): Term[] {
  const words = codeTokens(query)
    .filter((token) => !isCodeAnchor(token))
    .flatMap((token) => token.toLowerCase().split('-'))
    .filter((word) => word !== '' && isContentWord(word));
  return [...new Set(words.map(stem))].map((key) => ({ key, weight: 1, isAnchor: false }));
}

function combine(candidates: readonly Candidate[], topic: ReadonlyMap<string, number>): Map<string, number> {
  return new Map(
    candidates.map((candidate) => [
      candidate.id,
      AGREEMENT_WEIGHT * candidate.agreement + TOPIC_WEIGHT * (topic.get(candidate.id) ?? 0) + SEARCH_WEIGHT * candidate.search,
    ]),
  );
}

/** The store's bm25 of each hit (by memory id) divided by the best hit's: 0..1, best = 1. */
export function textRelevance(hits: readonly MemoryHit[]): Map<string, number> {
  const best = Math.max(0, ...hits.map((hit) => hit.relevance));
  return new Map(hits.map((hit) => [hit.item.id, best > 0 ? Math.min(1, Math.max(0, hit.relevance / best)) : 0]));
}

/**
 * Relevance 0..1 of each full-text hit to the query (by memory id), best = 1. A query naming no code gets the
 * store's bm25 normalised by its best hit. A query naming code (paths, identifiers) gets a code-aware score of
 * the same hits: see AGREEMENT_WEIGHT; code names learnt by feedback (relatedAnchors) join the topic terms.
 * Hits with `relevance` 0 (found by another search) count as the weakest text match.
 */
export function codeRelevance(query: string, hits: readonly MemoryHit[]): Map<string, number> {
  const searchBest = Math.max(0, ...hits.map((hit) => hit.relevance));
  const groups = anchorGroups(query);
  if (groups.length === 0) return textRelevance(hits);
  const candidates = hits.map((hit) => candidateOf(hit, searchBest, groups));
  const naming = candidates.filter((candidate) => candidate.agreement > 0);
  const reference = naming.length > 0 ? naming : candidates;
  const terms = topicTerms(query);
  const topic = localBm25(terms, candidates, reference);
  const feedback = naming.filter((candidate) => (topic.get(candidate.id) ?? 0) > 0).sort((left, right) => (topic.get(right.id) ?? 0) - (topic.get(left.id) ?? 0));
  const related = relatedAnchors(groups, feedback.map((candidate) => candidate.content));
  if (related.length === 0) return normalised(combine(candidates, topic));
  const expanded = [...terms, ...related.map((key) => ({ key, weight: RELATED_WEIGHT, isAnchor: true }))];
  return normalised(combine(candidates, localBm25(expanded, candidates, reference)));
}
