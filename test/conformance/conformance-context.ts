import { afterEach, beforeEach, it } from 'vitest';
import type { CollectiveStore } from '../../src/store/collective-store.js';
import { type ConformanceTarget, type ManualClock, type StoreHarness, manualClock } from './store-harness.js';

/** What each conformance case gets: a fresh collective, a handle on it, a clock it can move. */
export interface CaseContext {
  harness: StoreHarness;
  clock: ManualClock;
  store: CollectiveStore;
  /** Opens another handle on the same collective, as another process would (same clock). */
  reopen: () => Promise<CollectiveStore>;
  /** Bad-row reports the first handle received. */
  badRecords: Array<{ table: string; key: string; issues: readonly string[] }>;
}

/** Sets up a fresh collective around every case and returns an `it` that honours the target's skip list. */
export function useCaseContext(target: ConformanceTarget): {
  context: () => CaseContext;
  test: (name: string, body: (context: CaseContext) => Promise<void>, timeout?: number) => void;
} {
  let current: CaseContext | undefined;
  beforeEach(async () => {
    const harness = await target.createHarness();
    const clock = manualClock();
    const badRecords: CaseContext['badRecords'] = [];
    const store = await harness.open({ clock: clock.now, onBadRecord: (report) => badRecords.push(report), pollIntervalMs: 200 });
    current = { harness, clock, store, badRecords, reopen: () => harness.open({ clock: clock.now, pollIntervalMs: 200 }) };
  });
  afterEach(async () => {
    await current?.harness.destroy();
    current = undefined;
  });
  const context = (): CaseContext => {
    if (current === undefined) throw new Error('conformance context used outside a case');
    return current;
  };
  const test = (name: string, body: (context: CaseContext) => Promise<void>, timeout?: number): void => {
    const reason = target.skip?.[name];
    if (reason !== undefined) {
      it.skip(`${name} (skipped by ${target.name}: ${reason})`, () => undefined);
      return;
    }
    it(name, () => body(context()), timeout);
  };
  return { context, test };
}

/** Registers instance_1 … instance_n as explorers. */
export async function registerInstances(store: CollectiveStore, count: number): Promise<void> {
  for (let n = 1; n <= count; n += 1) await store.register({ id: `instance_${n}`, role: 'explorer' });
}

/** Collects up to `count` items from an async iterable, or fails after `timeoutMs`. */
export async function take<T>(source: AsyncIterable<T>, count: number, timeoutMs = 5000): Promise<T[]> {
  const items: T[] = [];
  if (count === 0) return items;
  const iterator = source[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  try {
    while (items.length < count) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out after ${items.length} of ${count} items`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${items.length} of ${count} items`)), remaining);
      });
      try {
        const next = await Promise.race([iterator.next(), timeout]);
        if (next.done === true) break;
        items.push(next.value);
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    void iterator.return?.();
  }
  return items;
}
