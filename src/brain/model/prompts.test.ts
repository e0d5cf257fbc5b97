import { describe, expect, it } from 'vitest';
import type { Message, Role, Task } from '../../protocol/index.js';
import type { TurnContext } from '../brain.js';
import { buildSystemPrompt } from './system-prompt.js';
import { TURN_PROMPT_LIMITS, buildTurnPrompt, clip } from './turn-prompt.js';

function message(seq: number, content: string, from = 'instance_2'): Message {
  return { id: `msg_${seq}`, seq, from, to: 'instance_1', type: 'finding', timestamp: '2026-01-01T00:00:00.000Z', content, metadata: { evidence: ['src/a.ts:1'] } };
}

function context(overrides: Partial<TurnContext> = {}): TurnContext {
  return {
    instance: { id: 'instance_1', role: 'explorer', iteration: 4, metadata: {} },
    goal: 'Audit the workspace.',
    workspace: '/tmp/ws',
    inbox: [],
    currentTask: null,
    memory: [],
    recentMessages: [],
    peers: [],
    openTasks: [],
    openProposals: [],
    coverage: [],
    coordinator: null,
    notices: [],
    ...overrides,
  };
}

describe('the prompts', () => {
  it('tell each instance who it is, what its role does, the goal and the rules', () => {
    const duties: Record<Role, RegExp> = { explorer: /investigate/, builder: /implement.*write_report/, reflector: /synthesise/, coordinator: /distribute the work/ };
    for (const [role, duty] of Object.entries(duties) as Array<[Role, RegExp]>) {
      const prompt = buildSystemPrompt(context({ instance: { id: 'instance_7', role, iteration: 0, metadata: {} } }));
      expect(prompt).toMatch(/^You are instance_7, /);
      expect(prompt).toMatch(duty);
      expect(prompt).toContain('The goal of the collective: Audit the workspace.');
      for (const rule of ['Act only through your tools', 'complete_task and evidence', 'fail_task', 'to "human"', 'coordinator_lease']) expect(prompt).toContain(rule);
    }
  });

  it('render the turn compactly: inbox with ids, senders, types, evidence; every section capped', () => {
    const inbox = Array.from({ length: 60 }, (_, index) => message(index + 1, `finding number ${index + 1} ${'x'.repeat(5000)}`));
    const prompt = buildTurnPrompt(context({ inbox, recentMessages: inbox }));
    expect(prompt).toMatch(/^Turn 5 of instance_1 \(explorer\)\. 60 new message\(s\)\./);
    expect(prompt).toContain('## Inbox: new messages, the human\'s first (60)');
    expect(prompt).toContain('- msg_1 #1 from instance_2 to instance_1, finding: finding number 1 xxx');
    expect(prompt).toContain('[evidence: src/a.ts:1]');
    expect(prompt).toContain('- … 40 more (read_inbox shows them)');
    expect(prompt).not.toContain('msg_21 ');
    expect(prompt.length).toBeLessThanOrEqual(TURN_PROMPT_LIMITS.totalChars);
    expect(prompt).toContain('## Your task\nnone');
    expect(buildTurnPrompt(context())).toContain('## Inbox: new messages, the human\'s first\nempty');
  });

  it('show why a task was sent back, on the board and to the builder that claims it', () => {
    const task: Task = {
      id: 't-c2', kind: 'work', title: 'change shared.txt', detail: '', requiredRole: 'builder', capability: null, dependsOn: [], scope: [], expected: '', doneWhen: '',
      state: 'open', owner: null, leaseExpiresAt: null, epoch: 1, attempts: 1, result: 'Merging tachikoma/r/changes/t-c2 conflicted in shared.txt; redo it on top of the integration branch.',
      evidence: [], createdBy: 'human', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(buildTurnPrompt(context({ openTasks: [{ ...task, blocked: false, waitingOn: [] }] }))).toContain('- t-c2: change shared.txt, for a builder — SENT BACK: Merging tachikoma/r/changes/t-c2 conflicted in shared.txt;');
    const claimed = { ...task, state: 'claimed' as const, owner: 'instance_1', leaseExpiresAt: '2026-01-01T00:10:00.000Z' };
    expect(buildTurnPrompt(context({ currentTask: claimed }))).toMatch(/## Your task\nt-c2: change shared\.txt, for a builder — SENT BACK: Merging .* conflicted in shared\.txt/);
    // A finished task's result is its answer, not a reason it came back.
    expect(buildTurnPrompt(context({ currentTask: { ...claimed, result: null } }))).not.toContain('SENT BACK');
  });

  it('clips to one line with an ellipsis', () => {
    expect(clip('a\n  b\tc', 10)).toBe('a b c');
    expect(clip('abcdefghij', 5)).toBe('abcd…');
  });
});
