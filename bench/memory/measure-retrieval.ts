import { type ScoredMemory, packContext } from '../../src/memory/index.js';
import { cpuMs, nowMs } from './bench-stats.js';
import type { LabelledQuery } from './labelled-corpus.js';

/** Ids of the memories a retriever returns for a query, best first. */
export type Retriever = (query: string) => Promise<readonly string[]>;

/** Recall and cost of one retriever over every labelled query. */
export interface RetrievalRun {
  name: string;
  /** Mean over queries of |relevant ∩ first 10| / min(10, |relevant|). */
  recallAt10: number;
  /** Queries whose every relevant memory (up to 10) was in the first 10. */
  complete: number;
  queries: number;
  wallMs: number[];
  cpuMs: number[];
}

/** Recall@10 of one query: the share of its relevant memories (at most 10 counted) among the first ten returned. */
export function recallAt10(relevant: ReadonlySet<string>, returned: readonly string[]): number {
  const found = returned.slice(0, 10).filter((id) => relevant.has(id)).length;
  return found / Math.min(10, relevant.size);
}

/**
 * Runs the retriever once on `warmup` queries (not counted: first statements, JIT), then on every query,
 * timing each call in wall-clock and in this process's CPU time.
 */
export async function measureRetrieval(name: string, queries: readonly LabelledQuery[], retriever: Retriever, warmup = 20): Promise<RetrievalRun> {
  for (const query of queries.slice(0, warmup)) await retriever(query.text);
  const run: RetrievalRun = { name, recallAt10: 0, complete: 0, queries: queries.length, wallMs: [], cpuMs: [] };
  let recallSum = 0;
  for (const query of queries) {
    const wallBefore = nowMs();
    const cpuBefore = cpuMs();
    const returned = await retriever(query.text);
    run.cpuMs.push(cpuMs() - cpuBefore);
    run.wallMs.push(nowMs() - wallBefore);
    const recall = recallAt10(query.relevant, returned);
    recallSum += recall;
    if (recall === 1) run.complete += 1;
  }
  run.recallAt10 = queries.length === 0 ? 0 : recallSum / queries.length;
  return run;
}

/** The memory section of each turn's context: the retrieval packed into the budget. */
export interface ContextRun {
  budgetTokens: number;
  tokens: number[];
  itemsKept: number[];
}

/** Packs each query's retrieval into `budgetTokens` and records the tokens and items each context carries. */
export async function measureContext(queries: readonly LabelledQuery[], retrieve: (query: string) => Promise<ScoredMemory[]>, budgetTokens: number): Promise<ContextRun> {
  const run: ContextRun = { budgetTokens, tokens: [], itemsKept: [] };
  for (const query of queries) {
    const packed = packContext(await retrieve(query.text), budgetTokens);
    run.tokens.push(packed.tokens);
    run.itemsKept.push(packed.items.length);
  }
  return run;
}
