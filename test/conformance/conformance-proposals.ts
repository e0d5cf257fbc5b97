import { describe, expect } from 'vitest';
import { StoreError } from '../../src/store/store-error.js';
import { type CaseContext, registerInstances, useCaseContext } from './conformance-context.js';
import type { ConformanceTarget } from './store-harness.js';

function inFuture(context: CaseContext, ms: number): string {
  return new Date(context.clock.now() + ms).toISOString();
}

function code(expected: string): (error: unknown) => boolean {
  return (error) => StoreError.hasCode(error, expected as never);
}

/** Proposals and votes: one vote per voter, rule, quorum, deadline, ties, debate rounds. */
export function proposalCases(target: ConformanceTarget): void {
  describe('proposals', () => {
    const { test } = useCaseContext(target);

    test('one vote per voter; quorum closes with the rule applied and the tally recorded', async (context) => {
      const { store } = context;
      await registerInstances(store, 3);
      const proposal = await store.openProposal({
        title: 'ship it?', options: ['yes', 'no'], rule: 'majority', quorum: 3, deadline: inFuture(context, 60_000), createdBy: 'instance_1',
      });
      await store.castVote({ proposalId: proposal.id, voter: 'instance_1', option: 'yes', reason: 'tests pass' });
      await expect(store.castVote({ proposalId: proposal.id, voter: 'instance_1', option: 'no', reason: 'changed my mind' })).rejects.toSatisfy(
        code('already_voted'),
      );
      await store.castVote({ proposalId: proposal.id, voter: 'instance_2', option: 'no', reason: 'too risky' });
      expect((await store.tally(proposal.id)).counts).toEqual({ yes: 1, no: 1 });
      expect((await store.getProposal(proposal.id))?.state).toBe('open');
      await store.castVote({ proposalId: proposal.id, voter: 'instance_3', option: 'yes', reason: 'agree with one' });
      const closed = await store.getProposal(proposal.id);
      expect(closed?.state).toBe('closed');
      expect(closed?.outcome).toMatchObject({ status: 'decided', winner: 'yes', counts: { yes: 2, no: 1 }, votesCast: 3, closedBy: 'quorum' });
      await expect(store.castVote({ proposalId: proposal.id, voter: 'instance_3', option: 'no', reason: 'late' })).rejects.toSatisfy(code('closed'));
      const votes = await store.listVotes(proposal.id);
      expect(votes.map((vote) => vote.reason)).toEqual(['tests pass', 'too risky', 'agree with one']);
    });

    test('a deadline without quorum closes as no_quorum', async (context) => {
      const { store, clock } = context;
      await registerInstances(store, 1);
      const proposal = await store.openProposal({
        title: 'quiet', options: ['a', 'b'], rule: 'majority', quorum: 3, deadline: inFuture(context, 1000), createdBy: 'instance_1',
      });
      await store.castVote({ proposalId: proposal.id, voter: 'instance_1', option: 'a', reason: 'first' });
      expect(await store.closeDue()).toEqual([]);
      clock.advance(1001);
      const [closed] = await store.closeDue();
      expect(closed?.outcome).toMatchObject({ status: 'no_quorum', winner: null, closedBy: 'deadline', votesCast: 1 });
    });

    test('a tie is recorded as a tie and can be settled by a tie-break', async (context) => {
      const { store } = context;
      await registerInstances(store, 2);
      const proposal = await store.openProposal({
        title: 'tabs or spaces', options: ['tabs', 'spaces'], rule: 'majority', quorum: 2, deadline: inFuture(context, 60_000), createdBy: 'instance_1',
      });
      await store.castVote({ proposalId: proposal.id, voter: 'instance_1', option: 'tabs', reason: 'width' });
      await store.castVote({ proposalId: proposal.id, voter: 'instance_2', option: 'spaces', reason: 'consistency' });
      expect((await store.getProposal(proposal.id))?.outcome?.status).toBe('tie');
      const tied = await store.openProposal({
        title: 'again', options: ['x', 'y'], rule: 'majority', quorum: 5, deadline: inFuture(context, 60_000), createdBy: 'instance_1',
      });
      await store.castVote({ proposalId: tied.id, voter: 'instance_1', option: 'x', reason: 'r' });
      await store.castVote({ proposalId: tied.id, voter: 'instance_2', option: 'y', reason: 'r' });
      await expect(store.closeProposal(tied.id, { winner: 'z' })).rejects.toSatisfy(code('invalid_input'));
      const settled = await store.closeProposal(tied.id, { winner: 'y' });
      expect(settled.outcome).toMatchObject({ status: 'decided', winner: 'y', closedBy: 'tie_break', counts: { x: 1, y: 1 } });
    });

    test('a veto closes an open proposal, overrides a closed one, names who and why in the history, and comes once', async (context) => {
      const { store } = context;
      await registerInstances(store, 2);
      const open = await store.openProposal({ title: 'merge it?', options: ['merge', 'reject'], rule: 'majority', quorum: 2, deadline: inFuture(context, 60_000), createdBy: 'instance_1' });
      await store.castVote({ proposalId: open.id, voter: 'instance_1', option: 'merge', reason: 'looks fine' });
      const after = await store.lastHistorySeq();
      const vetoed = await store.vetoProposal(open.id, { by: 'human', reason: 'it deletes the backups' });
      expect(vetoed).toMatchObject({ state: 'closed', outcome: { status: 'vetoed', winner: null, closedBy: 'veto', counts: { merge: 1, reject: 0 }, votesCast: 1, veto: { by: 'human', reason: 'it deletes the backups' } } });
      expect(await store.getProposal(open.id)).toEqual(vetoed);
      await expect(store.castVote({ proposalId: open.id, voter: 'instance_2', option: 'merge', reason: 'late' })).rejects.toSatisfy(code('closed'));
      const history = await store.readHistory({ after, kinds: ['proposal'] });
      expect(history.map((event) => [event.action, event.entityId])).toEqual([['vetoed', open.id]]);
      expect(history[0]?.data).toMatchObject({ outcome: { veto: { by: 'human', reason: 'it deletes the backups' } } });
      await expect(store.vetoProposal(open.id, { by: 'human', reason: 'again' })).rejects.toSatisfy(code('closed'));

      const decided = await store.openProposal({ title: 'merge that?', options: ['merge', 'reject'], rule: 'majority', quorum: 1, deadline: inFuture(context, 60_000), createdBy: 'instance_1' });
      await store.castVote({ proposalId: decided.id, voter: 'instance_2', option: 'merge', reason: 'fine' });
      expect((await store.getProposal(decided.id))?.outcome?.winner).toBe('merge');
      const overridden = await store.vetoProposal(decided.id, { by: 'human', reason: 'not this week' });
      expect(overridden.outcome).toMatchObject({ status: 'vetoed', winner: null, counts: { merge: 1, reject: 0 }, votesCast: 1, veto: { by: 'human', reason: 'not this week' } });

      await expect(store.vetoProposal('prop_nope', { by: 'human', reason: 'x' })).rejects.toSatisfy(code('not_found'));
      const other = await store.openProposal({ title: 'other', options: ['a', 'b'], rule: 'majority', quorum: 1, deadline: inFuture(context, 60_000), createdBy: 'instance_1' });
      await expect(store.vetoProposal(other.id, { by: 'human', reason: '   ' })).rejects.toSatisfy(code('invalid_input'));
      await expect(store.vetoProposal(other.id, { by: 'nobody here', reason: 'x' })).rejects.toSatisfy(code('invalid_input'));
      expect((await store.getProposal(other.id))?.state).toBe('open');
    });

    test('a split opens a debate round where voters may change their vote', async (context) => {
      const { store } = context;
      await registerInstances(store, 3);
      const proposal = await store.openProposal({
        title: 'refactor first?', options: ['yes', 'no'], rule: 'unanimity', quorum: 3, maxRounds: 2, deadline: inFuture(context, 60_000), createdBy: 'instance_1',
      });
      await store.castVote({ proposalId: proposal.id, voter: 'instance_1', option: 'yes', reason: 'debt' });
      await store.castVote({ proposalId: proposal.id, voter: 'instance_2', option: 'yes', reason: 'debt' });
      await store.castVote({ proposalId: proposal.id, voter: 'instance_3', option: 'no', reason: 'deadline' });
      const debating = await store.getProposal(proposal.id);
      expect(debating).toMatchObject({ state: 'open', round: 2 });
      await store.castVote({ proposalId: proposal.id, voter: 'instance_3', option: 'yes', reason: 'convinced by the debt argument' });
      await store.castVote({ proposalId: proposal.id, voter: 'instance_1', option: 'yes', reason: 'still debt' });
      expect((await store.getProposal(proposal.id))?.state).toBe('open');
      await store.castVote({ proposalId: proposal.id, voter: 'instance_2', option: 'yes', reason: 'still debt' });
      const closed = await store.getProposal(proposal.id);
      expect(closed?.outcome).toMatchObject({ status: 'decided', winner: 'yes', counts: { yes: 3, no: 0 } });
      expect((await store.listVotes(proposal.id)).filter((vote) => vote.round === 2)).toHaveLength(3);
    });

    test('bad votes and proposals are rejected clearly', async (context) => {
      const { store } = context;
      await registerInstances(store, 1);
      const deadline = inFuture(context, 60_000);
      await expect(store.openProposal({ title: 'one option', options: ['a'], rule: 'majority', quorum: 1, deadline, createdBy: 'instance_1' })).rejects.toSatisfy(code('invalid_input'));
      await expect(store.openProposal({ title: 'dup options', options: ['a', 'a'], rule: 'majority', quorum: 1, deadline, createdBy: 'instance_1' })).rejects.toSatisfy(code('invalid_input'));
      await expect(
        store.openProposal({ title: 'past', options: ['a', 'b'], rule: 'majority', quorum: 1, deadline: new Date(context.clock.now() - 1000).toISOString(), createdBy: 'instance_1' }),
      ).rejects.toSatisfy(code('invalid_input'));
      const proposal = await store.openProposal({ title: 'ok', options: ['a', 'b'], rule: 'supermajority', quorum: 1, deadline, createdBy: 'instance_1' });
      await expect(store.castVote({ proposalId: proposal.id, voter: 'instance_1', option: 'c', reason: 'r' })).rejects.toSatisfy(code('invalid_input'));
      await expect(store.castVote({ proposalId: proposal.id, voter: 'instance_1', option: 'a', reason: ' ' })).rejects.toSatisfy(code('invalid_input'));
      await expect(store.castVote({ proposalId: proposal.id, voter: 'instance_7', option: 'a', reason: 'r' })).rejects.toSatisfy(code('not_found'));
      await expect(store.castVote({ proposalId: 'prop_missing', voter: 'instance_1', option: 'a', reason: 'r' })).rejects.toSatisfy(code('not_found'));
      expect(await store.listVotes(proposal.id)).toEqual([]);
    });
  });
}
