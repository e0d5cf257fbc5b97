import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Who settles a change: the orchestrator, to merge it, or the human's veto, to keep it out. */
export const settlementClaimSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('merge'), at: z.string() }),
  z.strictObject({ kind: z.literal('veto'), at: z.string(), by: z.string(), reason: z.string() }),
]);
export type SettlementClaim = z.infer<typeof settlementClaimSchema>;

/** The claim file of one change (named by its proposal id, which is a safe file name). */
export function settlementPath(runDirectory: string, proposalId: string): string {
  return join(runDirectory, 'settlements', `${proposalId}.json`);
}

/** The claim on a change, or null when none was made (or it cannot be read). */
export function readSettlement(runDirectory: string, proposalId: string): SettlementClaim | null {
  try {
    const parsed = settlementClaimSchema.safeParse(JSON.parse(readFileSync(settlementPath(runDirectory, proposalId), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Claims the right to settle a change, once for all processes: the first claim wins and every later one gets the
 * winner's. A merge and a veto racing each other (the orchestrator and a dashboard or CLI process) thus never both
 * happen. The claim is written whole to a private file, then hard-linked into place: the link either appears
 * complete or fails because a claim exists, so nobody reads half a claim.
 */
export function claimSettlement(runDirectory: string, proposalId: string, claim: SettlementClaim): { won: true } | { won: false; holder: SettlementClaim | null } {
  const path = settlementPath(runDirectory, proposalId);
  mkdirSync(join(runDirectory, 'settlements'), { recursive: true });
  const draft = `${path}.${process.pid}.${Date.now()}.draft`;
  writeFileSync(draft, JSON.stringify(settlementClaimSchema.parse(claim)));
  try {
    linkSync(draft, path);
    return { won: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { won: false, holder: readSettlement(runDirectory, proposalId) };
  } finally {
    rmSync(draft, { force: true });
  }
}
