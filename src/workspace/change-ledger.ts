import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** One line of a run's change ledger: a change committed for review, then merged, rejected, in conflict or vetoed. */
export const changeEntrySchema = z.discriminatedUnion('event', [
  z.strictObject({
    event: z.literal('committed'), at: z.string(), taskId: z.string(), instance: z.string(), branch: z.string(), commit: z.string(),
    files: z.array(z.string()), stat: z.string(), proposalId: z.string(),
  }),
  z.strictObject({ event: z.literal('merged'), at: z.string(), branch: z.string(), proposalId: z.string(), commit: z.string() }),
  z.strictObject({ event: z.literal('rejected'), at: z.string(), branch: z.string(), proposalId: z.string(), outcome: z.string() }),
  z.strictObject({ event: z.literal('conflict'), at: z.string(), branch: z.string(), proposalId: z.string(), conflicts: z.array(z.string()), detail: z.string() }),
  z.strictObject({ event: z.literal('vetoed'), at: z.string(), branch: z.string(), proposalId: z.string(), by: z.string(), reason: z.string() }),
]);
export type ChangeEntry = z.infer<typeof changeEntrySchema>;

/** The ledger file of a run directory. */
export function changeLedgerPath(runDirectory: string): string {
  return join(runDirectory, 'changes.jsonl');
}

/** Appends one entry (a single write of one line: concurrent writers' lines do not interleave). */
export function appendChange(runDirectory: string, entry: ChangeEntry): void {
  const path = changeLedgerPath(runDirectory);
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(changeEntrySchema.parse(entry))}\n`);
}

/** Every entry, oldest first; a malformed line (a torn last write) is skipped. */
export function readChanges(runDirectory: string): ChangeEntry[] {
  const path = changeLedgerPath(runDirectory);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').flatMap((line) => {
    if (line.trim() === '') return [];
    try {
      const parsed = changeEntrySchema.safeParse(JSON.parse(line));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}
