import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CollectiveStore, createSqliteStore } from '../../store/index.js';
import { type WireEvent, applyEvents, emptyView } from '../view-model/collective-view.js';
import { DashboardModel } from './dashboard-model.js';

let folder: string;
let store: CollectiveStore;
let model: DashboardModel;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tachikoma-blind-'));
  store = createSqliteStore(join(folder, 'collective.db'));
  for (const id of ['instance_1', 'instance_2']) await store.register({ id, role: 'reflector' });
  model = new DashboardModel(store, { batchMs: 20 });
  await model.start();
});

afterEach(async () => {
  await model.close();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

async function caughtUp(): Promise<void> {
  const last = await store.lastHistorySeq();
  await expect.poll(() => model.liveSeq).toBe(last);
}

describe('votes on the dashboard are blind while their proposal is open', () => {
  it('sends who voted but no choice or reason until the close, which reveals them to a page folding the stream', async () => {
    const proposal = await store.openProposal({ title: 'ship?', options: ['yes', 'no'], rule: 'majority', quorum: 2, deadline: new Date(Date.now() + 600_000).toISOString(), createdBy: 'instance_1' });
    const batches: WireEvent[][] = [];
    model.subscribe((events) => batches.push(events));
    await store.castVote({ proposalId: proposal.id, voter: 'instance_1', option: 'yes', reason: 'SECRET-REASON-ONE' });
    await caughtUp();
    await expect.poll(() => batches.flat().some((event) => event.kind === 'vote')).toBe(true);

    // Nothing that leaves the server holds the choice or the reason: not the state, a replayed moment, the history, the live batch.
    const voteSeq = (await store.readHistory({ after: 0, kinds: ['vote'] }))[0]?.seq ?? 0;
    const sent = JSON.stringify([model.shownView(), model.shownView(voteSeq), model.history(0, 1000), batches]);
    expect(sent).not.toContain('SECRET-REASON-ONE');
    expect(sent).not.toContain('"option":"yes"');
    expect(model.shownView().votes[proposal.id]).toEqual([expect.objectContaining({ voter: 'instance_1', round: 1, sealed: true })]);
    // The server's own fold keeps the whole vote (it decides what to reveal when).
    expect(model.view.votes[proposal.id]).toEqual([expect.objectContaining({ option: 'yes', reason: 'SECRET-REASON-ONE' })]);

    // A page that loaded the state now, then folds the live batches: sealed, then revealed by the closing.
    const page = structuredClone(model.shownView());
    const seen = batches.length;
    await store.castVote({ proposalId: proposal.id, voter: 'instance_2', option: 'yes', reason: 'SECRET-REASON-TWO' });
    await caughtUp();
    await expect.poll(() => batches.slice(seen).flat().some((event) => event.kind === 'proposal' && event.action === 'closed')).toBe(true);
    applyEvents(page, batches.slice(seen).flat());
    expect(page.proposals[proposal.id]?.state).toBe('closed');
    expect(page.votes[proposal.id]).toEqual([
      expect.objectContaining({ voter: 'instance_1', option: 'yes', reason: 'SECRET-REASON-ONE' }),
      expect.objectContaining({ voter: 'instance_2', option: 'yes', reason: 'SECRET-REASON-TWO' }),
    ]);

    // Once closed, the state, a replay of the open moment and the history all show the votes.
    expect(model.shownView().votes[proposal.id]?.map((vote) => ('reason' in vote ? vote.reason : null))).toEqual(['SECRET-REASON-ONE', 'SECRET-REASON-TWO']);
    expect(JSON.stringify(model.shownView(voteSeq))).toContain('SECRET-REASON-ONE');
    const replayed = emptyView();
    applyEvents(replayed, model.history(0, 1000).events);
    expect(replayed.votes[proposal.id]?.every((vote) => !('sealed' in vote))).toBe(true);
  });
});
