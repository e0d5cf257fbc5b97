import { COORDINATOR_LEASE } from '../collective/roles.js';
import type { CollectiveStore } from '../store/index.js';
import type { InstanceSpec } from './run-config.js';

/** Brains that organise themselves (the heuristic coordinator takes the role when it sees fit). */
const SELF_ORGANISING = new Set(['heuristic', 'scripted']);

/** Long enough for the instance process to start; from then on its lease keeper renews the role. */
export const FIRST_COORDINATOR_TTL_MS = 120_000;

/**
 * With model brains a coordinator is there from the start: the first instance gets the coordinator role before
 * any instance takes a turn (unless someone holds it already, e.g. on --resume), so the collective plans before
 * it reads. Its lease keeper renews the role once the process runs. Returns the holder, or null when not taken.
 */
export async function takeCoordinatorAtStart(store: CollectiveStore, instances: readonly InstanceSpec[]): Promise<string | null> {
  const first = instances[0];
  if (first === undefined || SELF_ORGANISING.has(first.brain)) return null;
  if ((await store.getRoleLease(COORDINATOR_LEASE)) !== null) return null;
  const lease = await store.acquireRoleLease(COORDINATOR_LEASE, first.id, { ttlMs: FIRST_COORDINATOR_TTL_MS });
  return lease?.holder ?? null;
}
