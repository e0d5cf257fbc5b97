import { describe, expect, it } from 'vitest';
import type { Personality } from '../../collective/personality.js';
import type { BoardTask, Message } from '../../protocol/index.js';
import type { TurnContext } from '../brain.js';
import { emptyNotebook } from '../notebook.js';
import { learnFromExperience, learnFromTurn, personaLabel, personaText } from './persona.js';
import { buildSystemPrompt } from './system-prompt.js';
import { buildTurnPrompt } from './turn-prompt.js';

function context(overrides: Partial<TurnContext> = {}): TurnContext {
  return {
    instance: { id: 'instance_1', role: 'explorer', iteration: 2, metadata: {} },
    goal: 'Audit the workspace.', workspace: '/tmp/ws', inbox: [], currentTask: null, memory: [], recentMessages: [], peers: [], openTasks: [],
    openProposals: [], coverage: [], coordinator: null, notices: [],
    ...overrides,
  };
}

function consensus(proposalId: string, dissentBy: string[]): Message {
  return {
    id: `msg_${proposalId}`, seq: 9, from: 'instance_2', to: 'broadcast', type: 'consensus', timestamp: '2026-01-01T00:00:00.000Z', content: 'decided',
    metadata: { proposalId, winner: 'fix the risky code first', dissent: dissentBy.map((voter) => ({ voter, option: 'x', reason: 'y' })) },
  };
}

const even: Personality = { thoroughness: 0.5, caution: 0.5, simplicity: 0.5, novelty: 0.5 };

describe('the persona of an LLM instance', () => {
  it('names the traits that stand out, strongest first; a balanced one says so', () => {
    const persona: Personality = { thoroughness: 0.8, caution: 0.2, simplicity: 0.5, novelty: 0.66 };
    expect(personaLabel(persona)).toBe('thorough, bold, curious');
    expect(personaText(persona)).toMatch(/^Your character: thorough \(you read the code around a claim.*\); bold \(.*\); curious \(.*\)\. Let it show/);
    expect(personaLabel(even)).toBe('balanced');
  });

  it('is woven into the system prompt', () => {
    const prompt = buildSystemPrompt(context(), personaText({ ...even, caution: 0.9 }));
    expect(prompt).toContain('Your character: cautious (you flag risks');
  });

  it('shifts with a consensus on a proposal the instance voted on, once, as the heuristic brain does', () => {
    const notebook = { ...emptyNotebook(), voted: ['prop_a', 'prop_b'] };
    const lost = learnFromExperience(even, context({ inbox: [consensus('prop_a', ['instance_1'])] }), notebook);
    expect(lost.personality.caution).toBeGreaterThan(0.5);
    expect(lost.notebook.learned).toEqual(['prop_a']);
    expect(learnFromExperience(lost.personality, context({ inbox: [consensus('prop_a', ['instance_1'])] }), lost.notebook).personality).toEqual(lost.personality);
    const won = learnFromExperience(even, context({ inbox: [consensus('prop_b', [])] }), notebook);
    expect(won.personality.novelty).toBeGreaterThan(0.5);
    expect(learnFromExperience(even, context({ inbox: [consensus('prop_c', [])] }), notebook).personality).toEqual(even);
    expect(learnFromTurn(even, 2).caution).toBeGreaterThan(0.5);
  });
});

const task = (id: string, extra: Partial<BoardTask> = {}): BoardTask => ({
  id, kind: 'work', title: `task ${id}`, detail: '', requiredRole: null, capability: null, dependsOn: [], scope: [], expected: '', doneWhen: '', state: 'open', owner: null,
  leaseExpiresAt: null, epoch: 0, attempts: 0, result: null, evidence: [], createdBy: 'instance_2', createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z', blocked: false, waitingOn: [], ...extra,
});

describe('the lifecycle in the prompts', () => {
  it('the system prompt teaches plan, briefs, claim → work → complete with evidence, synthesis, report, goal-met vote, stop', () => {
    const prompt = buildSystemPrompt(context());
    expect(prompt).toContain('How the collective works, step by step:');
    for (const part of ['Objective, Scope', 'Expected output, Done when', 'path:line references', 'synthesize', 'write_report', 'whether the goal is met', 'Stop:']) expect(prompt).toContain(part);
  });

  it('the turn prompt shows open proposals, notices, the coordinator, blocked tasks, coverage and briefs', () => {
    const proposal = { detail: '', rule: 'majority', quorum: 2, createdBy: 'instance_2', votesCast: 1 };
    const prompt = buildTurnPrompt(context({
      openProposals: [
        { ...proposal, id: 'prop_1', kind: 'goal', title: 'Is the goal met?', options: ['yes', 'no'], deadline: '2026-01-01T00:05:00.000Z', round: 1, votedByMe: false },
        { ...proposal, id: 'prop_2', kind: 'decision', title: 'Which first?', options: ['a', 'b'], deadline: '2026-01-01T00:06:00.000Z', round: 2, votedByMe: true },
      ],
      notices: ['your claim on task_3 was lost (lease expired)'],
      coordinator: { holder: 'instance_2', expiresAt: '2026-01-01T00:01:00.000Z' },
      coverage: [{ instance: 'instance_1', areas: ['src/a.ts'], total: 1 }, { instance: 'instance_2', areas: ['src/b.ts', 'src/c.ts'], total: 3 }],
      openTasks: [
        task('task_4', { scope: ['src/a.ts', 'src/b.ts'], expected: 'findings', doneWhen: 'both read' }),
        task('task_9', { dependsOn: ['task_1'], blocked: true, waitingOn: ['task_1'] }),
      ],
    }));
    expect(prompt).toContain('## Open proposals: vote on each before its deadline (2)');
    expect(prompt).toContain('- prop_1 (the goal vote) "Is the goal met?": options "yes", "no", round 1, closes 2026-01-01T00:05:00.000Z, 1 vote(s) cast — you have NOT voted: vote before the deadline');
    expect(prompt).toContain('- prop_2 "Which first?": options "a", "b", round 2, closes 2026-01-01T00:06:00.000Z, 1 vote(s) cast — you voted');
    expect(prompt).toContain('- your claim on task_3 was lost (lease expired)');
    expect(prompt).toContain('- instance_2 (until 2026-01-01T00:01:00.000Z)');
    expect(prompt).toContain('- you (1): src/a.ts');
    expect(prompt).toContain('- instance_2 (3): src/b.ts, src/c.ts … and 1 more');
    expect(prompt).toContain('task_9: task task_9');
    expect(prompt).toContain('BLOCKED by task_1 (not claimable yet)');
    expect(prompt).toContain('[brief — scope: src/a.ts, src/b.ts; expected: findings; done when: both read]');
  });

  it('leaves the sections out when the context has none', () => {
    expect(buildTurnPrompt(context())).not.toMatch(/Open proposals|Coverage|Notices/);
  });
});
