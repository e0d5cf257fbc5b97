import type { NewMemoryItem } from '../../src/protocol/index.js';
import type { CollectiveStore } from '../../src/store/index.js';
import { nowMs } from './bench-stats.js';

/** How the store was filled: one `remember` (one transaction) per memory, awaited in turn. */
export interface FillResult {
  written: number;
  seconds: number;
  perSecond: number;
}

/** Writes every memory with `remember`, one after another; reports progress every `every` memories. */
export async function fillStore(store: CollectiveStore, memories: readonly NewMemoryItem[], progress: (written: number) => void, every = 10_000): Promise<FillResult> {
  const startedAt = nowMs();
  let written = 0;
  for (const memory of memories) {
    await store.remember(memory);
    written += 1;
    if (written % every === 0) progress(written);
  }
  const seconds = (nowMs() - startedAt) / 1000;
  return { written, seconds, perSecond: seconds > 0 ? written / seconds : 0 };
}
