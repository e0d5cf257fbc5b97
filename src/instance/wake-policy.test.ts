import { describe, expect, it } from 'vitest';
import type { Message } from '../protocol/index.js';
import { defaultWakePolicy, wakes } from './wake-policy.js';

function message(fields: Partial<Message>): Message {
  return { id: 'msg_1', seq: 1, from: 'instance_2', to: 'broadcast', type: 'finding', timestamp: '2026-01-01T00:00:00.000Z', content: 'x', metadata: {}, ...fields };
}

describe('the wake policy', () => {
  it('under "concerned" wakes for my messages, the human, task and vote events; not for plain broadcasts', () => {
    const woken = (fields: Partial<Message>): boolean => wakes(message(fields), 'instance_1', 'concerned');
    expect([woken({ to: 'instance_1' }), woken({ from: 'human' }), woken({ from: 'orchestrator', type: 'status' }), woken({ type: 'task_complete' }), woken({ type: 'proposal' }), woken({ type: 'consensus' }), woken({ type: 'status', metadata: { event: 'task_created' } })]).toEqual([true, true, true, true, true, true, true]);
    expect([woken({}), woken({ type: 'vote' }), woken({ type: 'status' }), woken({ type: 'question' })]).toEqual([false, false, false, false]);
    expect(wakes(message({}), 'instance_1', 'all')).toBe(true);
  });

  it('is "concerned" for model brains and "all" for the heuristic and scripted brains', () => {
    expect(['openai-compatible', 'anthropic', 'ollama', 'claude-agent', 'heuristic', 'scripted'].map(defaultWakePolicy)).toEqual(['concerned', 'concerned', 'concerned', 'concerned', 'all', 'all']);
  });
});
