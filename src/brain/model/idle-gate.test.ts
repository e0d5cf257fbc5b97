import { describe, expect, it } from 'vitest';
import type { BoardTask, Message } from '../../protocol/index.js';
import type { OpenProposalView, TurnContext } from '../brain.js';
import { IdleGate, nothingToActOn } from './idle-gate.js';

function context(overrides: Partial<TurnContext> = {}): TurnContext {
  return {
    instance: { id: 'instance_2', role: 'explorer', iteration: 3, metadata: {} },
    goal: 'Audit.', workspace: '/tmp/ws', inbox: [], currentTask: null, memory: [], recentMessages: [], peers: [], openTasks: [],
    openProposals: [], coverage: [], coordinator: { holder: 'instance_1', expiresAt: '2026-01-01T00:10:00.000Z' }, notices: [],
    ...overrides,
  };
}

function message(overrides: Partial<Message>): Message {
  return { id: 'msg_1', seq: 4, from: 'instance_1', to: 'broadcast', type: 'task_complete', timestamp: '2026-01-01T00:00:00.000Z', content: 'task a done', metadata: {}, ...overrides };
}

const openTask = { id: 'task_b', blocked: false } as BoardTask;
const proposal = { id: 'goal_1', votedByMe: false } as OpenProposalView;

describe('a turn with nothing to act on makes no model call', () => {
  it('skips a task event for an instance with no task, nothing to claim and no vote to cast', () => {
    expect(nothingToActOn(context({ inbox: [message({})] }))).toBe(true);
    expect(nothingToActOn(context({ openTasks: [{ ...openTask, blocked: true }] }))).toBe(true);
    expect(nothingToActOn(context({ openProposals: [{ ...proposal, votedByMe: true }] }))).toBe(true);
  });

  it('asks the model when there is something to do, or nobody else to decide', () => {
    expect(nothingToActOn(context({ openTasks: [openTask] }))).toBe(false);
    expect(nothingToActOn(context({ openProposals: [proposal] }))).toBe(false);
    expect(nothingToActOn(context({ inbox: [message({ to: 'instance_2', type: 'status' })] }))).toBe(false);
    expect(nothingToActOn(context({ inbox: [message({ from: 'human', type: 'status' })] }))).toBe(false);
    expect(nothingToActOn(context({ inbox: [message({ type: 'question' })] }))).toBe(false);
    expect(nothingToActOn(context({ notices: ['your claim on task_a expired'] }))).toBe(false);
    expect(nothingToActOn(context({ currentTask: { id: 'task_a' } as BoardTask }))).toBe(false);
    expect(nothingToActOn(context({ coordinator: null }))).toBe(false);
    expect(nothingToActOn(context({ coordinator: { holder: 'instance_2', expiresAt: '2026-01-01T00:10:00.000Z' } }))).toBe(false);
  });

  it('the gate skips such a turn until the longest idle interval has passed, then looks once', () => {
    let now = 1_000;
    const gate = new IdleGate(60_000, () => now);
    expect(gate.skip(context({ inbox: [message({})] }))).toMatchObject({ idle: true, skipped: true });
    now += 60_000;
    expect(gate.skip(context({ inbox: [message({})] }))).toBeUndefined();
  });
});
