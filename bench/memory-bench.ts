/**
 * `npm run bench:memory [-- --quick]`: collective-memory retrieval at 100k memories (20k with --quick) on a
 * labelled set of code-audit findings. Plain full-text search (bm25) and retrieveMemory side by side, with
 * ablations; the packed turn context; rememberUnique on re-reports and look-alikes. Prints a table, then the
 * figures as one JSON object on the last line of stdout. Progress goes to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type RetrieveOptions, retrieveMemory } from '../src/memory/index.js';
import { type CollectiveStore, createSqliteStore } from '../src/store/index.js';
import { type MemoryBenchPlan, memoryBenchPlan } from './memory/bench-plan.js';
import { formatNumber } from './memory/bench-stats.js';
import { corpusFacts } from './memory/corpus-facts.js';
import { fillStore } from './memory/fill-store.js';
import { type LabelledQuery, labelledCorpus } from './memory/labelled-corpus.js';
import { measureDedupe } from './memory/measure-dedupe.js';
import { type RetrievalRun, measureContext, measureRetrieval } from './memory/measure-retrieval.js';
import { type MemoryBenchResults, memoryReport, memorySummary } from './memory/memory-report.js';
import { seededRandom } from './memory/seeded-random.js';

function progress(text: string): void {
  process.stderr.write(`bench:memory: ${text}\n`);
}

type Variant = Omit<RetrieveOptions, 'query' | 'now'>;

async function retrievalRuns(store: CollectiveStore, queries: readonly LabelledQuery[], now: number): Promise<{ baseline: RetrievalRun; retrieval: RetrievalRun; ablations: RetrievalRun[] }> {
  const variant = (name: string, options: Variant): Promise<RetrievalRun> => {
    progress(`querying: ${name}`);
    return measureRetrieval(name, queries, async (text) => (await retrieveMemory(store, { ...options, query: text, now })).map((scored) => scored.item.id));
  };
  progress('querying: store.searchMemory (bm25), the query as written');
  const baseline = await measureRetrieval('store.searchMemory, bm25 only', queries, async (text) => (await store.searchMemory(text, { limit: 10 })).map((hit) => hit.item.id));
  const retrieval = await variant('retrieveMemory, defaults', {});
  const ablations = [
    await variant('  without code-aware relevance', { codeAware: false }),
    await variant('  relevance only (0/0/1)', { weights: { recency: 0, importance: 0, relevance: 1 } }),
    await variant('  weights 0.3/0.3/1', { weights: { recency: 0.3, importance: 0.3, relevance: 1 } }),
    await variant('  equal weights 1/1/1 (paper)', { weights: { recency: 1, importance: 1, relevance: 1 } }),
  ];
  return { baseline, retrieval, ablations };
}

async function runAll(directory: string, plan: MemoryBenchPlan): Promise<MemoryBenchResults> {
  const loadBefore = loadavg()[0] ?? 0;
  const now = Date.now();
  progress(`building the labelled corpus: ${formatNumber(plan.size)} memories, ${plan.queries} queries`);
  const corpus = labelledCorpus({ seed: plan.seed, size: plan.size, queries: plan.queries, files: plan.files, now });
  const facts = corpusFacts(corpus);
  const store = createSqliteStore(join(directory, 'collective.db'));
  try {
    progress('filling the store');
    const fill = await fillStore(store, corpus.memories, (written) => progress(`  ${formatNumber(written)} written`));
    const { baseline, retrieval, ablations } = await retrievalRuns(store, corpus.queries, now);
    progress('packing turn contexts');
    const context = await measureContext(corpus.queries, (text) => retrieveMemory(store, { query: text, now, limit: plan.turnLimit }), plan.contextBudgetTokens);
    progress('rememberUnique: re-reports and look-alikes');
    const dedupe = await measureDedupe(store, corpus.memories, seededRandom(plan.seed + 1), plan.dedupeProbes);
    const machine = { cpus: availableParallelism(), loadBefore, loadAfter: loadavg()[0] ?? 0 };
    return { plan, machine, facts, fill, baseline, retrieval, ablations, context, dedupe };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const plan = memoryBenchPlan(values.quick);
  const directory = mkdtempSync(join(tmpdir(), 'tachikoma-memory-bench-'));
  const cleanUp = (): void => rmSync(directory, { recursive: true, force: true });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  try {
    const results = await runAll(directory, plan);
    process.stdout.write(`${memoryReport(results).join('\n')}\n${JSON.stringify(memorySummary(results))}\n`);
  } finally {
    cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:memory failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
