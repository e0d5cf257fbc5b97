import type { CollectiveStore, StoreOptions } from '../../src/store/collective-store.js';

/** A hand-written row that breaks the message schema, as an outside tool editing the store might leave it. */
export interface ForeignMessageRow {
  id: string;
  sender: string;
  recipient: string;
  type: string;
  timestamp: string;
  content: string;
  /** Raw text stored as the metadata column (may be invalid JSON on purpose). */
  metadataText: string;
}

/**
 * What a backend supplies to run the conformance suite: one collective per harness, opened as many times as
 * the suite asks (each open is what another process would get), and a way to plant a foreign row.
 */
export interface StoreHarness {
  /** Opens a handle on this harness's collective (the first call creates it empty). */
  open(options: StoreOptions): Promise<CollectiveStore>;
  /** Writes a foreign row straight into the messages table, bypassing validation. */
  insertForeignMessage(row: ForeignMessageRow): Promise<void>;
  /** Closes anything the harness opened and removes the collective. */
  destroy(): Promise<void>;
}

/** A conformance target: a name, a way to make a fresh harness, and cases it cannot pass with a reason each. */
export interface ConformanceTarget {
  name: string;
  createHarness(): Promise<StoreHarness>;
  skip?: Readonly<Record<string, string>>;
}

/** A clock tests can move by hand; starts at the real time so timestamps stay valid. */
export interface ManualClock {
  now: () => number;
  advance: (ms: number) => void;
}

export function manualClock(start: number = Date.now()): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}
