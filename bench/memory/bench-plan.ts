/** The sizes of one memory benchmark run; `--quick` shrinks the memory, the JSON keys keep their names. */
export interface MemoryBenchPlan {
  quick: boolean;
  /** Seed of the labelled corpus. Retrieval was developed on seed 7; the bench reports a different one. */
  seed: number;
  /** Memories in the store, planted answers included. */
  size: number;
  queries: number;
  /** Source files the findings are about (size / files ≈ 66 memories per file in both modes). */
  files: number;
  /** Memories an instance turn asks for, and the token budget its memory section is packed into. */
  turnLimit: number;
  contextBudgetTokens: number;
  /** Near-duplicates and near-misses (same text, other code) written through rememberUnique. */
  dedupeProbes: number;
}

/** The full run (100k memories, several minutes) or the quick look (20k memories). */
export function memoryBenchPlan(quick: boolean): MemoryBenchPlan {
  const shared = { quick, seed: 8_191, queries: 300, turnLimit: 10, contextBudgetTokens: 4_000, dedupeProbes: 200 };
  return quick ? { ...shared, size: 20_000, files: 300 } : { ...shared, size: 100_000, files: 1_500 };
}
