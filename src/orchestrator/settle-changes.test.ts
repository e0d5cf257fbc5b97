import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seedChange } from '../../test/support/change-fixture.js';
import { gitIn, makeGitWorkspace } from '../../test/support/git-workspace.js';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import { readChanges } from '../workspace/change-ledger.js';
import { claimSettlement } from '../workspace/change-settlement.js';
import { settleChanges } from './settle-changes.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A change whose vote closed with "merge". */
async function acceptedChange(store: CollectiveStore, workspace: string, runDirectory: string, instance: string, taskId: string, file: string): Promise<{ branch: string; commit: string }> {
  const change = await seedChange(store, workspace, runDirectory, { instance, taskId, file, quorum: 1 });
  await store.castVote({ proposalId: change.proposalId, voter: 'instance_3', option: 'merge', reason: 'fine' });
  return change;
}

describe('settling changes', () => {
  it('never merges a change whose veto claimed it first, even when the veto stopped before reaching the store, and finishes that veto', async () => {
    const workspace = makeGitWorkspace({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const runs = mkdtempSync(join(tmpdir(), 'tachikoma-settle-'));
    const runDirectory = join(runs, 'r');
    const store = createSqliteStore(join(runs, 'collective.db'));
    cleanups.push(async () => {
      await store.close();
      rmSync(workspace, { recursive: true, force: true });
      rmSync(runs, { recursive: true, force: true });
    });
    for (const id of ['instance_1', 'instance_2', 'instance_3']) await store.register({ id, role: 'builder' });
    const vetoed = await acceptedChange(store, workspace, runDirectory, 'instance_1', 't1', 'a.txt');
    const accepted = await acceptedChange(store, workspace, runDirectory, 'instance_2', 't2', 'b.txt');
    expect((await store.getProposal('merge_t1'))?.outcome?.winner).toBe('merge');
    // The human's veto process claimed t1, then stopped before it told the store.
    expect(claimSettlement(runDirectory, 'merge_t1', { kind: 'veto', at: new Date().toISOString(), by: 'human', reason: 'not this one' })).toEqual({ won: true });

    expect(await settleChanges(store, workspace, runDirectory)).toBe(2);
    const integration = 'tachikoma/r/integration';
    expect(gitIn(workspace, ['branch', '--contains', vetoed.commit, '--list', integration]).trim()).toBe('');
    expect(gitIn(workspace, ['branch', '--contains', accepted.commit, '--list', integration]).trim()).toBe(integration);
    expect(readChanges(runDirectory).filter((entry) => entry.event !== 'committed').map((entry) => [entry.event, entry.branch])).toEqual([['vetoed', vetoed.branch], ['merged', accepted.branch]]);
    expect((await store.getProposal('merge_t1'))?.outcome).toMatchObject({ status: 'vetoed', veto: { by: 'human', reason: 'not this one' } });
    const told = await store.readMessages({ audience: { instance: 'instance_1' }, after: 0 });
    expect(told.filter((message) => message.from === 'human').map((message) => message.content)).toEqual([expect.stringContaining('was vetoed by human: not this one')]);
    // Settled once: a second pass does nothing.
    expect(await settleChanges(store, workspace, runDirectory)).toBe(0);
  });
});
