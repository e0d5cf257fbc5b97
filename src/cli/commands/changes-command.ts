import { applyIntegration } from '../../changes/apply-integration.js';
import { listChanges } from '../../orchestrator/list-changes.js';
import { VetoError, vetoChange } from '../../orchestrator/veto-change.js';
import type { CollectiveStore } from '../../store/index.js';
import { CliError } from '../cli-error.js';
import { openExistingRun } from '../run-directory.js';
import type { ReadFlags } from './read-commands.js';

export interface ChangesFlags extends ReadFlags {
  apply?: boolean;
  veto?: string;
  reason?: string;
}

/** `--veto <branch> --reason …`: the human's veto, as the dashboard's veto button does it. */
async function vetoFromCli(store: CollectiveStore, runDirectory: string, flags: ChangesFlags): Promise<number> {
  if (flags.reason === undefined || flags.reason.trim() === '') throw new CliError('--veto needs --reason "why": the builder is told the reason');
  try {
    const { change } = await vetoChange(store, runDirectory, { branch: flags.veto ?? '', by: 'human', reason: flags.reason });
    process.stdout.write(flags.json === true ? `${JSON.stringify({ vetoed: change.branch, proposalId: change.proposalId, by: 'human', reason: flags.reason })}\n` : `vetoed ${change.branch}: it will not be merged; ${change.instance} was told why\n`);
    return 0;
  } catch (error) {
    if (VetoError.isInstance(error)) throw new CliError(error.message);
    throw error;
  }
}

/** `tachikoma changes`: each change's branch, diff stat, votes and merge state; `--apply` merges the integration branch into the current branch; `--veto` keeps a change out. */
export async function changesCommand(flags: ChangesFlags): Promise<number> {
  const { store, record, paths } = await openExistingRun(flags.runDir, flags.store);
  try {
    if (flags.veto !== undefined) {
      if (flags.apply === true) throw new CliError('--veto and --apply are separate steps: run one, then the other');
      return await vetoFromCli(store, paths.root, flags);
    }
    if (flags.reason !== undefined) throw new CliError('--reason goes with --veto <branch>');
    const listing = await listChanges(store, paths.root);
    if (flags.apply === true) {
      if (record === null) throw new CliError(`no run record in ${paths.root}; --apply needs the run's workspace`);
      const applied = await applyIntegration(record.workspace, listing.integration);
      if (!applied.ok) throw new CliError(applied.error);
      process.stdout.write(flags.json === true ? `${JSON.stringify({ applied: listing.integration, summary: applied.summary })}\n` : `merged ${listing.integration} into the current branch: ${applied.summary}\n`);
      return 0;
    }
    if (flags.json === true) {
      process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
      return 0;
    }
    const lines = [`integration branch: ${listing.integration}`];
    if (listing.changes.length === 0) lines.push('no change committed for review yet');
    for (const change of listing.changes) {
      const votes = change.vote.votes.map((vote) => `${vote.voter}: ${vote.option ?? 'voted (blind while open)'}`).join(', ') || 'no votes';
      const conflict = change.merge.conflicts.length > 0 ? ` (conflict in ${change.merge.conflicts.join(', ')})` : '';
      lines.push(`${change.merge.state.padEnd(9)} ${change.branch} by ${change.instance} · ${change.stat} · ${change.files.join(', ')} · vote ${change.vote.state}${change.vote.outcome === null ? '' : ` ${change.vote.outcome}`} (${votes})${conflict}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
