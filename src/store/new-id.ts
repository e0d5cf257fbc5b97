import { randomBytes } from 'node:crypto';

/** A fresh protocol id: `prefix_` + time (base 36) + 12 random hex digits. Sorts roughly by creation time. */
export function newId(prefix: string, now: number = Date.now()): string {
  return `${prefix}_${now.toString(36)}${randomBytes(6).toString('hex')}`;
}
