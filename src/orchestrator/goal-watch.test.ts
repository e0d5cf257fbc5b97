import { describe, expect, it } from 'vitest';
import { newProposalSchema, proposalSchema, type Proposal } from '../protocol/index.js';
import { goalVotePassed } from './goal-watch.js';

function closed(kind: 'decision' | 'goal', title: string, winner: string | null, status: 'decided' | 'split' = 'decided'): Proposal {
  return proposalSchema.parse({
    id: 'p1', kind, title, detail: '', options: ['yes', 'no'], rule: 'majority', quorum: 2, deadline: '2026-01-01T00:05:00.000Z',
    round: 1, maxRounds: 2, createdBy: 'instance_1', createdAt: '2026-01-01T00:00:00.000Z', state: 'closed',
    outcome: { status, winner, counts: {}, votesCast: 2, closedBy: 'quorum', closedAt: '2026-01-01T00:01:00.000Z' },
  });
}

describe('the goal vote is a proposal kind', () => {
  it('a goal proposal won by yes ends the run; one won by no, or split, does not', () => {
    expect(goalVotePassed(closed('goal', 'Done?', 'yes'))).toBe(true);
    expect(goalVotePassed(closed('goal', 'Done?', 'YES '))).toBe(true);
    expect(goalVotePassed(closed('goal', 'Done?', 'no'))).toBe(false);
    expect(goalVotePassed(closed('goal', 'Done?', null, 'split'))).toBe(false);
  });

  it('wording does not make a goal vote: a decision titled "is the goal met?" won by yes does not end the run', () => {
    expect(goalVotePassed(closed('decision', 'Is the goal met?', 'yes'))).toBe(false);
  });

  it('records from before kinds read as decisions, and a goal vote must offer exactly yes and no', () => {
    const { kind: _kind, ...old } = closed('decision', 'Old', 'yes');
    expect(proposalSchema.parse(old).kind).toBe('decision');
    const base = { title: 'Done?', rule: 'majority', quorum: 2, deadline: '2026-01-01T00:05:00.000Z', createdBy: 'instance_1' } as const;
    expect(newProposalSchema.safeParse({ ...base, kind: 'goal', options: ['No', 'Yes'] }).success).toBe(true);
    const wrong = newProposalSchema.safeParse({ ...base, kind: 'goal', options: ['yes', 'not yet', 'no'] });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.message).toBe('a goal vote has exactly the options "yes" and "no"');
  });
});
