import { describe, expect, it } from 'vitest';
import type { Personality } from '../../collective/personality.js';
import type { Message, Task } from '../../protocol/index.js';
import type { TurnContext } from '../brain.js';
import { emptyNotebook } from '../notebook.js';
import { learnFromExperience, learnFromTurn, personaLabel, personaText } from './persona.js';
import { buildSystemPrompt } from './system-prompt.js';
import { buildTurnPrompt } from './turn-prompt.js';

function context(overrides: Partial<TurnContext> & Record<string, unknown> = {}): TurnContext {
  return {
    instance: { id: 'instance_1', role: 'explorer', iteration: 2, metadata: {} },
    goal: 'Audit the workspace.', workspace: '/tmp/ws', inbox: [], currentTask: null, memory: [], recentMessages: [], peers: [], openTasks: [],
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

const task = (id: string, extra: Record<string, unknown> = {}): Task =>
  ({
    id, title: `task ${id}`, detail: '', requiredRole: null, capability: null, dependsOn: [], state: 'open', owner: null, leaseExpiresAt: null, epoch: 0, attempts: 0,
    result: null, evidence: [], createdBy: 'instance_2', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...extra,
  });

describe('the lifecycle in the prompts', () => {
  it('the system prompt teaches plan, briefs, claim → work → complete with evidence, synthesis, report, goal-met vote, stop', () => {
    const prompt = buildSystemPrompt(context());
    expect(prompt).toContain('How the collective works, step by step:');
    for (const part of ['Objective, Scope', 'Expected output, Done when', 'path:line references', 'synthesize', 'write_report', 'whether the goal is met', 'Stop:']) expect(prompt).toContain(part);
  });

  it('the turn prompt shows open proposals, notices, blocked tasks, coverage and briefs when the context carries them', () => {
    const prompt = buildTurnPrompt(context({
      openProposals: [
        { id: 'prop_1', question: 'Is the goal met?', options: ['yes', 'no'], deadline: '2026-01-01T00:05:00.000Z', round: 1, voted: false },
        { id: 'prop_2', options: ['a', 'b'], round: 2, voted: true },
        { nonsense: true },
      ],
      notices: ['your claim on task_3 was lost (lease expired)', { kind: 'lease', text: 'coordinator lease renewed' }],
      blockedTasks: [task('task_9', { dependsOn: ['task_1'], blockedBy: ['task_1'] })],
      coverage: { 'src/a.ts': ['instance_2'], 'src/b.ts': ['instance_2', 'instance_3'] },
      openTasks: [task('task_4', { brief: { objective: 'find leaks', scope: ['src/a.ts', 'src/b.ts'], expectedOutput: 'findings', doneWhen: 'both read' } })],
    }));
    expect(prompt).toContain('## Open proposals: vote on each before its deadline (2)');
    expect(prompt).toContain('- prop_1 "Is the goal met?": options "yes", "no", round 1, closes 2026-01-01T00:05:00.000Z — you have NOT voted: vote before the deadline');
    expect(prompt).toContain('- prop_2: options "a", "b", round 2 — you voted');
    expect(prompt).toContain('- your claim on task_3 was lost (lease expired)');
    expect(prompt).toContain('- lease: coordinator lease renewed');
    expect(prompt).toContain('- task_9: task task_9, BLOCKED by task_1');
    expect(prompt).toContain('- src/b.ts: instance_2, instance_3');
    expect(prompt).toContain('task_4: task task_4 [brief — objective: find leaks; scope: src/a.ts, src/b.ts; expected: findings; done when: both read]');
  });

  it('leaves the sections out when the context has none', () => {
    expect(buildTurnPrompt(context())).not.toMatch(/Open proposals|Coverage|Notices|Blocked tasks/);
  });
});
