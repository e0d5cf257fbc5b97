import { hostname } from 'node:os';
import type { z } from 'zod';
import type { InstanceRecord, heartbeatSchema, instanceRegistrationSchema } from '../../protocol/index.js';
import { StoreError } from '../store-error.js';

/** An instance's record after (re-)registering; a re-registration keeps its iteration count and metadata. */
export function registeredRecord(
  registration: z.output<typeof instanceRegistrationSchema>,
  previous: InstanceRecord | undefined,
  now: string,
): InstanceRecord {
  return {
    id: registration.id,
    role: registration.role,
    pid: registration.pid ?? null,
    host: registration.host ?? hostname(),
    status: registration.status ?? 'starting',
    heartbeatAt: now,
    startedAt: now,
    currentTask: null,
    iteration: previous?.iteration ?? 0,
    lastActivity: previous === undefined ? 'registered' : 're-registered',
    metadata: { ...(previous?.metadata ?? {}), ...(registration.metadata ?? {}) },
  };
}

/** The `not_found` for a heartbeat from an instance that never registered. */
export function unregisteredHeartbeat(id: string): StoreError {
  return new StoreError('not_found', `unknown instance ${JSON.stringify(id)}: register it before sending heartbeats`);
}

/** The record after a heartbeat: each field the beat names changes, metadata merges. */
export function beatRecord(previous: InstanceRecord, beat: z.output<typeof heartbeatSchema>, heartbeatAt: string): InstanceRecord {
  return {
    ...previous,
    heartbeatAt,
    ...(beat.status === undefined ? {} : { status: beat.status }),
    ...(beat.currentTask === undefined ? {} : { currentTask: beat.currentTask }),
    ...(beat.iteration === undefined ? {} : { iteration: beat.iteration }),
    ...(beat.lastActivity === undefined ? {} : { lastActivity: beat.lastActivity }),
    ...(beat.pid === undefined ? {} : { pid: beat.pid }),
    ...(beat.metadata === undefined ? {} : { metadata: { ...previous.metadata, ...beat.metadata } }),
  };
}

/** The history action of a heartbeat, or undefined when only the time changed (no event). */
export function beatAction(previous: InstanceRecord, next: InstanceRecord, beat: z.output<typeof heartbeatSchema>): 'status' | 'updated' | undefined {
  const changed =
    next.status !== previous.status ||
    next.currentTask !== previous.currentTask ||
    next.iteration !== previous.iteration ||
    next.lastActivity !== previous.lastActivity ||
    next.pid !== previous.pid ||
    beat.metadata !== undefined;
  if (!changed) return undefined;
  return next.status !== previous.status ? 'status' : 'updated';
}

const DIGIT_RUNS = /(\d+)/;

/**
 * `instance_2` before `instance_10`: runs of digits compare as numbers, everything else by code point (ids are
 * lower-case ASCII). Plain string work on purpose: `localeCompare` with options builds an ICU collator on every
 * call, and loading ICU costs each process ~8 ms the first time it lists the registry.
 */
export function compareInstanceIds(a: string, b: string): number {
  if (a === b) return 0;
  const left = a.split(DIGIT_RUNS);
  const right = b.split(DIGIT_RUNS);
  const parts = Math.min(left.length, right.length);
  // split() with a capturing group alternates text (even indexes) and digit runs (odd indexes).
  for (let index = 0; index < parts; index += 1) {
    const x = left[index] ?? '';
    const y = right[index] ?? '';
    if (x === y) continue;
    if (index % 2 === 1) {
      // Numbers of any length: fewer significant digits is smaller, then digit by digit; equal numbers by text.
      const xs = x.replace(/^0+/, '');
      const ys = y.replace(/^0+/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}
