import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import { goalVotePassed } from './goal-watch.js';
import { VoteEvents } from './vote-events.js';

let directory = '';
let store: CollectiveStore;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tachikoma-vote-events-'));
  store = createSqliteStore(join(directory, 'collective.db'));
  await store.register({ id: 'instance_1', role: 'explorer' });
  await store.register({ id: 'instance_2', role: 'explorer' });
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

async function events(): Promise<Array<[string, unknown]>> {
  return (await store.readMessages({ audience: { all: true }, after: 0 })).map((message) => [message.from, message.metadata.event]);
}

describe('vote events', () => {
  it('tells every instance once when a debate round opens and when the vote closes, without any reason', async () => {
    const deadline = new Date(Date.now() + 600_000).toISOString();
    await store.openProposal({ id: 'goal_met', kind: 'goal', title: 'Is the goal met?', options: ['yes', 'no'], rule: 'majority', quorum: 2, deadline, maxRounds: 2, createdBy: 'instance_1' });
    await store.castVote({ proposalId: 'goal_met', voter: 'instance_1', option: 'yes', reason: 'REASON_A' });
    await store.castVote({ proposalId: 'goal_met', voter: 'instance_2', option: 'no', reason: 'REASON_B' });
    await store.closeDue();
    const told = new VoteEvents(store);
    expect((await store.getProposal('goal_met'))?.round).toBe(2);
    expect(await told.publish(await store.listProposals({ state: 'closed' }))).toBe(1);
    expect(await told.publish([])).toBe(0);
    // A restarted orchestrator publishes the same event id again: the store keeps one message.
    await new VoteEvents(store).publish([]);
    expect(await events()).toEqual([['orchestrator', 'debate_round']]);
    await store.castVote({ proposalId: 'goal_met', voter: 'instance_1', option: 'yes', reason: 'REASON_C' });
    await store.castVote({ proposalId: 'goal_met', voter: 'instance_2', option: 'yes', reason: 'REASON_D' });
    await store.closeDue();
    const closed = await store.listProposals({ state: 'closed' });
    expect(await told.publish(closed)).toBe(1);
    expect(await events()).toEqual([['orchestrator', 'debate_round'], ['orchestrator', 'proposal_closed']]);
    const texts = (await store.readMessages({ audience: { all: true }, after: 0 })).map((message) => `${message.content} ${JSON.stringify(message.metadata)}`).join('\n');
    expect(texts).not.toMatch(/REASON_/);
    expect(closed.map(goalVotePassed)).toEqual([true]);
  });
});
