import { stat } from 'node:fs/promises';
import { type ChangesListing, listChanges } from '../../orchestrator/list-changes.js';
import type { CollectiveStore } from '../../store/index.js';
import { changeLedgerPath } from '../../workspace/change-ledger.js';
import type { DashboardModel } from './dashboard-model.js';

export type ChangesListener = (listing: ChangesListing) => void;

/** The run's changes as `tachikoma changes --json` lists them, kept current for the dashboard. */
export interface ChangesFeed {
  /** The latest listing. */
  readonly current: ChangesListing;
  /** Called with each listing that differs from the one before; returns the unsubscribe. */
  subscribe(listener: ChangesListener): () => void;
  /** Lists again now (after a veto, so its answer and the panel agree); resolves once listeners were told. */
  refresh(): Promise<void>;
  close(): void;
}

export interface ChangesFeedOptions {
  store: CollectiveStore;
  runDirectory: string;
  model: DashboardModel;
  /** How often the change ledger's size is checked (the orchestrator writes merges there, not in the history). */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Lists the changes once, then again whenever the history brings a proposal, vote or task event or the change
 * ledger grows.
 */
export async function startChangesFeed(options: ChangesFeedOptions): Promise<ChangesFeed> {
  const { store, runDirectory, model } = options;
  const listeners = new Set<ChangesListener>();
  let current = await listChanges(store, runDirectory);
  let shown = JSON.stringify(current);
  // One listing at a time, and at most one more waiting: a waiting listing has not started, so it sees every
  // change that asked for it.
  let chain: Promise<void> = Promise.resolve();
  let waiting = false;
  let ledgerSize = -1;

  const listOnce = async (): Promise<void> => {
    const next = await listChanges(store, runDirectory);
    const text = JSON.stringify(next);
    if (text === shown) return;
    current = next;
    shown = text;
    for (const listener of listeners) listener(next);
  };
  const refresh = (): Promise<void> => {
    if (waiting) return chain;
    waiting = true;
    chain = chain.then(async () => {
      waiting = false;
      await listOnce().catch((error: unknown) => options.onError?.(error));
    });
    return chain;
  };
  const unsubscribe = model.subscribe((events) => {
    if (events.some((event) => event.kind === 'proposal' || event.kind === 'vote' || event.kind === 'task')) void refresh();
  });
  const timer = setInterval(() => {
    void stat(changeLedgerPath(runDirectory))
      .then((info) => info.size, () => 0)
      .then((size) => {
        if (size === ledgerSize) return undefined;
        ledgerSize = size;
        return refresh();
      });
  }, options.pollMs ?? 500);

  return {
    get current() {
      return current;
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    close: () => {
      clearInterval(timer);
      unsubscribe();
      listeners.clear();
    },
  };
}
