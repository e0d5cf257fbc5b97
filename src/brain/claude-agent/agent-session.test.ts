import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import { emptyNotebook } from '../notebook.js';
import { agentStepCollector, forgetSession, keepSession, promptWithNotebook, sessionLost } from './agent-session.js';
import { recordTurn } from '../model/conversation-notebook.js';

function assistant(content: unknown[], parent: string | null = null): SDKMessage {
  return { type: 'assistant', message: { content }, parent_tool_use_id: parent, uuid: 'u', session_id: 's' } as unknown as SDKMessage;
}

function user(content: unknown[], parent: string | null = null): SDKMessage {
  return { type: 'user', message: { role: 'user', content }, parent_tool_use_id: parent, session_id: 's' } as unknown as SDKMessage;
}

describe('the steps of a claude-agent query, as the notebook records them', () => {
  it('pairs each call of the main thread with its result, names collective tools as the tool box does, and skips subagents', () => {
    const steps = agentStepCollector();
    steps.add(assistant([{ type: 'text', text: 'Reading.' }, { type: 'tool_use', id: 'a1', name: 'mcp__tachikoma__share_finding', input: { content: 'x' } }, { type: 'tool_use', id: 'a2', name: 'Read', input: { file_path: '/w/a.ts' } }]));
    steps.add(user([{ type: 'tool_result', tool_use_id: 'a1', content: '{"ok":true,"data":null}' }, { type: 'tool_result', tool_use_id: 'a2', content: [{ type: 'text', text: 'no such file' }], is_error: true }]));
    steps.add(assistant([{ type: 'tool_use', id: 'sub', name: 'Grep', input: {} }], 'a9'));
    steps.add(assistant([{ type: 'text', text: 'Done.' }]));
    expect(steps.steps).toEqual([
      {
        text: 'Reading.',
        toolCalls: [{ toolCallId: 'a1', toolName: 'share_finding', input: { content: 'x' } }, { toolCallId: 'a2', toolName: 'Read', input: { file_path: '/w/a.ts' } }],
        toolResults: [{ toolCallId: 'a1', output: '{"ok":true,"data":null}', isError: false }, { toolCallId: 'a2', output: 'no such file', isError: true }],
      },
      { text: 'Done.', toolCalls: [], toolResults: [] },
    ]);
  });

  it('forgets a session only when the error says it is gone', () => {
    expect(sessionLost('No conversation found with session ID: 1234')).toBe(true);
    expect(sessionLost('529 overloaded')).toBe(false);
    expect(forgetSession({ ...emptyNotebook(), sessionId: 'abc' })).toEqual(emptyNotebook());
  });

  it('keeps the session while one model call stays within sessionTokens; past that the next turn starts anew with the notebook in its prompt', () => {
    const notebook = recordTurn(emptyNotebook(), { inbox: [], currentTask: null, instance: { id: 'instance_1', role: 'explorer', iteration: 0, metadata: {} } }, [
      { text: '', toolCalls: [{ toolCallId: 'a', toolName: 'share_finding', input: { content: 'src/a.ts:2 leaks' } }], toolResults: [{ toolCallId: 'a', output: '{"ok":true,"data":{"messageId":"msg_1"}}' }] },
    ], '2026-01-01T00:00:00.000Z');
    expect(keepSession(notebook, 'session-1', 90_000, 3, 40_000).sessionId).toBe('session-1');
    expect(keepSession(notebook, 'session-1', 90_000, 2, 40_000).sessionId).toBeUndefined();
    expect(keepSession(notebook, 'session-1', 10, 1, 0).sessionId).toBeUndefined();
    expect(promptWithNotebook(notebook, 'Turn 2 of instance_1', true)).toBe('Turn 2 of instance_1');
    expect(promptWithNotebook(emptyNotebook(), 'Turn 1 of instance_1', false)).toBe('Turn 1 of instance_1');
    expect(promptWithNotebook(notebook, 'Turn 2 of instance_1', false)).toBe(
      'Your notebook: your own earlier turns, oldest first (1). These are your actions, not anyone else\'s.\n- Turn 1 (no new messages): you shared: share_finding(content: "src/a.ts:2 leaks") → ok (messageId msg_1)\n\nTurn 2 of instance_1',
    );
  });
});
