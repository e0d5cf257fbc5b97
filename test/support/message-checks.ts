import type { MessageLine } from '../workers/worker-io.js';

/**
 * Checks over lists of delivered/reported messages. Each returns the problems found (empty when none), at
 * most `limit` of them, so a failing assertion shows what went wrong instead of a 40,000-line diff.
 */

const LIMIT = 20;

/** Ids delivered more than once, and places where seq does not strictly increase. */
export function orderProblems(delivered: readonly MessageLine[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  let previousSeq = 0;
  for (const [position, line] of delivered.entries()) {
    if (seen.has(line.id)) problems.push(`position ${position}: id ${line.id} delivered again (seq ${line.seq})`);
    seen.add(line.id);
    if (line.seq <= previousSeq) problems.push(`position ${position}: seq ${line.seq} after seq ${previousSeq}`);
    previousSeq = line.seq;
    if (problems.length >= LIMIT) break;
  }
  return problems;
}

/** Where two readers' sequences of (seq, id) first differ, or that their lengths differ. */
export function sameOrderProblems(first: readonly MessageLine[], second: readonly MessageLine[]): string[] {
  const problems: string[] = [];
  if (first.length !== second.length) problems.push(`lengths differ: ${first.length} vs ${second.length}`);
  const length = Math.min(first.length, second.length);
  for (let position = 0; position < length && problems.length < LIMIT; position += 1) {
    const a = first[position];
    const b = second[position];
    if (a?.seq !== b?.seq || a?.id !== b?.id) problems.push(`position ${position}: ${a?.seq} ${a?.id} vs ${b?.seq} ${b?.id}`);
  }
  return problems;
}

/** Confirmed writes (as the writer reported them) that the delivered list lacks, or has under another seq. */
export function missingProblems(delivered: readonly MessageLine[], confirmed: readonly MessageLine[]): string[] {
  const byId = new Map(delivered.map((line) => [line.id, line]));
  const problems: string[] = [];
  for (const line of confirmed) {
    const found = byId.get(line.id);
    if (found === undefined) problems.push(`${line.from} #${line.index}: ${line.id} (seq ${line.seq}) is missing`);
    else if (found.seq !== line.seq || found.from !== line.from) problems.push(`${line.id}: confirmed as seq ${line.seq}, delivered as seq ${found.seq} from ${found.from}`);
    if (problems.length >= LIMIT) break;
  }
  return problems;
}

/** Per-writer FIFO: each writer's messages appear with publish indexes 0, 1, 2 … in delivery order. */
export function fifoProblems(delivered: readonly MessageLine[]): string[] {
  const nextIndex = new Map<string, number>();
  const problems: string[] = [];
  for (const line of delivered) {
    const expected = nextIndex.get(line.from) ?? 0;
    if (line.index !== expected) problems.push(`${line.from}: index ${String(line.index)} (seq ${line.seq}) where ${expected} was due`);
    nextIndex.set(line.from, (line.index ?? expected) + 1);
    if (problems.length >= LIMIT) break;
  }
  return problems;
}
