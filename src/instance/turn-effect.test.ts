import { describe, expect, it } from 'vitest';
import { turnEffect } from './run-instance.js';

const call = (tool: string, ok = true) => ({ tool, input: {}, ok, ms: 1 });

describe('what a turn did, for the no-progress count', () => {
  it('is progress only when a tool that writes worked, or the brain says it changed something', () => {
    expect(turnEffect({ outcome: { summary: '', idle: false }, calls: [call('read_files'), call('share_finding')] }, 0)).toBe('progress');
    expect(turnEffect({ outcome: { summary: '', idle: false, progress: true }, calls: [] }, 1)).toBe('progress');
    // Only reads, a failed write, or a message left unanswered: nothing.
    expect(turnEffect({ outcome: { summary: '', idle: true }, calls: [call('list_tasks'), call('grep'), call('peers_status')] }, 0)).toBe('nothing');
    expect(turnEffect({ outcome: { summary: '', idle: false }, calls: [call('complete_task', false)] }, 0)).toBe('nothing');
    expect(turnEffect({ outcome: { summary: '', idle: false }, calls: [] }, 2)).toBe('nothing');
  });

  it('is idle when nothing was asked and nothing called, unhandled when the model was unreachable', () => {
    expect(turnEffect({ outcome: { summary: 'nothing to do', idle: true }, calls: [] }, 0)).toBe('idle');
    expect(turnEffect({ outcome: { summary: 'model call failed', idle: false, unhandled: true }, calls: [] }, 3)).toBe('unhandled');
  });
});
