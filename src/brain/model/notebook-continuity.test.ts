import { describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/index.js';
import type { TurnContext } from '../brain.js';
import { emptyNotebook, readNotebook } from '../notebook.js';
import { compactNotebook, notebookBudget, notebookTokens, summarizeTurn } from './compact-notebook.js';
import { type StepRecord, notebookMessages, recordTurn } from './conversation-notebook.js';
import { createContinuity } from './turn-memory.js';

function context(iteration: number, inbox: Message[] = [], notebook: unknown = null, metadata: Record<string, unknown> = {}): TurnContext {
  return {
    instance: { id: 'instance_1', role: 'explorer', iteration, metadata },
    goal: 'Audit the workspace.', workspace: '/tmp/ws', inbox, currentTask: null, memory: [], recentMessages: [], peers: [], openTasks: [], notebook,
    openProposals: [], coverage: [], coordinator: null, notices: [],
  };
}

function human(content: string): Message {
  return { id: 'msg_h1', seq: 1, from: 'human', to: 'instance_1', type: 'question', timestamp: '2026-01-01T00:00:00.000Z', content, metadata: {} };
}

const readStep = (id: string, path: string, content: string): StepRecord => ({
  text: '',
  toolCalls: [{ toolCallId: id, toolName: 'read_files', input: { paths: [path] } }],
  toolResults: [{ toolCallId: id, output: { ok: true, data: { files: [{ path, content }] } } }],
});

const shareStep: StepRecord = {
  text: 'Sharing the leak.',
  toolCalls: [{ toolCallId: 'c9', toolName: 'share_finding', input: { content: 'src/a.ts:2 leaks the handle', evidence: ['src/a.ts:2'] } }],
  toolResults: [{ toolCallId: 'c9', output: { ok: true, data: { messageId: 'msg_77', memoryId: 'mem_5' } } }],
};

describe('the notebook of an LLM instance', () => {
  it('replays a turn as the instance lived it: the cue, its own calls (assistant), their results (tool), its words', () => {
    const notebook = recordTurn(emptyNotebook(), context(0, [human('where is the leak?')]), [readStep('x1', 'src/a.ts', 'line one\nline two'), shareStep], '2026-01-01T00:00:01.000Z');
    const messages = notebookMessages(notebook);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(messages[0]?.content).toMatch(/^\[Your earlier turn 1, 2026-01-01T00:00:01.000Z\] 1 new message\(s\): msg_h1 from human \(question\): where is the leak\?/);
    const [, call, result, share] = messages;
    expect(call).toMatchObject({ content: [{ type: 'tool-call', toolCallId: 't0s0c0', toolName: 'read_files', input: { paths: ['src/a.ts'] } }] });
    expect(JSON.stringify(result)).toContain('line one\\\\nline two');
    expect(share).toMatchObject({ content: [{ type: 'text', text: 'Sharing the leak.' }, { type: 'tool-call', toolName: 'share_finding' }] });
  });

  it('a turn replayed after a crash (same iteration) replaces its earlier entry; votes are remembered', () => {
    const vote: StepRecord = { text: '', toolCalls: [{ toolCallId: 'v', toolName: 'vote', input: { proposalId: 'prop_1', option: 'yes', reason: 'r' } }], toolResults: [{ toolCallId: 'v', output: { ok: true, data: null } }] };
    let notebook = recordTurn(emptyNotebook(), context(0), [shareStep], 'a');
    notebook = recordTurn(notebook, context(1), [readStep('x', 'b.ts', 'b')], 'b');
    notebook = recordTurn(notebook, context(1), [vote], 'c');
    expect(notebook.turns.map((turn) => [turn.iteration, turn.at])).toEqual([[0, 'a'], [1, 'c']]);
    expect(notebook.voted).toEqual(['prop_1']);
  });

  it('compacts past its budget: old turns become summary lines keeping calls, ids and evidence, not file contents', () => {
    let notebook = emptyNotebook();
    for (let iteration = 0; iteration < 12; iteration += 1) {
      notebook = recordTurn(notebook, context(iteration), [readStep(`r${iteration}`, `src/file${iteration}.ts`, 'x'.repeat(3000)), shareStep], `t${iteration}`);
    }
    const budget = 4000;
    expect(notebookTokens(notebook)).toBeGreaterThan(budget);
    const compacted = compactNotebook(notebook, budget);
    expect(notebookTokens(compacted)).toBeLessThanOrEqual(budget);
    expect(compacted.turns.at(-1)?.iteration).toBe(11);
    expect(compacted.compactedTurns + compacted.turns.length).toBe(12);
    expect(compacted.summary[0]).toMatch(/^Turn 1 \(no new messages\): read_files\(paths: \[src\/file0\.ts\]\) → ok; you said: "Sharing the leak\."; you shared: share_finding\(content: "src\/a\.ts:2 leaks the handle", evidence: \[src\/a\.ts:2\]\) → ok \(messageId msg_77, memoryId mem_5\)$/);
    expect(compacted.summary.join('\n')).not.toContain('xxxx');
    // Under budget it is left as it is, so the prompt prefix (and the provider's cache) stays the same.
    expect(compactNotebook(compacted, budget)).toBe(compacted);
    const first = notebookMessages(compacted)[0];
    expect(first).toMatchObject({ role: 'user' });
    expect(typeof first?.content === 'string' ? first.content : '').toMatch(/^Your notebook: a summary of your own earlier turns, oldest first \(\d+ compacted\)\. These are your actions/);
  });

  it('a single turn too large for the budget keeps its calls with their results cut', () => {
    const notebook = recordTurn(emptyNotebook(), context(0), [readStep('big', 'big.ts', 'y'.repeat(5000))], 'a');
    const compacted = compactNotebook({ ...notebook, turns: [...notebook.turns, { ...notebook.turns[0]!, iteration: 1 }] }, 600);
    expect(compacted.turns).toHaveLength(1);
    expect(notebookTokens(compacted)).toBeLessThanOrEqual(600);
    expect(JSON.stringify(compacted.turns)).toContain('cut from');
  });

  it('summarises a failed call with its error', () => {
    const failed: StepRecord = { text: '', toolCalls: [{ toolCallId: 'f', toolName: 'complete_task', input: { taskId: 'task_1' } }], toolResults: [{ toolCallId: 'f', output: { ok: false, error: 'not_owner: task_1 is held by instance_2' } }] };
    const turn = recordTurn(emptyNotebook(), context(3), [failed], 'a').turns[0]!;
    expect(summarizeTurn(turn)).toBe('Turn 4 (no new messages): you completed: complete_task(taskId: "task_1") → failed: not_owner: task_1 is held by instance_2');
  });

  it('an idle check that called nothing is not recorded; a message answered in words alone is', () => {
    const quiet = recordTurn(emptyNotebook(), context(0), [{ text: 'nothing to do', toolCalls: [], toolResults: [] }], 'a');
    expect(quiet.turns).toEqual([]);
    const heard = recordTurn(emptyNotebook(), context(1, [human('hello?')]), [{ text: 'nothing to add', toolCalls: [], toolResults: [] }], 'b');
    expect(heard.turns.map((turn) => turn.steps)).toEqual([[[{ kind: 'text', text: 'nothing to add' }]]]);
  });

  it('keeps a long input field cut (a whole report need not ride along in every prompt)', () => {
    const report: StepRecord = { text: '', toolCalls: [{ toolCallId: 'w', toolName: 'write_report', input: { content: 'r'.repeat(50_000) } }], toolResults: [{ toolCallId: 'w', output: { ok: true, data: null } }] };
    const entry = recordTurn(emptyNotebook(), context(0), [report], 'a').turns[0]?.steps[0]?.[0];
    const content = entry?.kind === 'call' ? (entry.input as { content: string }).content : '';
    expect(content).toMatch(/^r{4000}… \[cut: 50000 characters in all\]$/);
  });

  it('reads anything unreadable as an empty notebook', () => {
    expect(readNotebook(null)).toEqual(emptyNotebook());
    expect(readNotebook({ version: 99 })).toEqual(emptyNotebook());
  });

  it('continuity across turns: the stored notebook comes back as prior messages; persona and personality go to metadata once until they change', () => {
    const continuity = createContinuity({ clock: () => Date.parse('2026-01-01T00:00:00.000Z') });
    const first = continuity.begin(context(0));
    expect(first.prior).toEqual([]);
    expect(first.persona).toMatch(/^Your character: /);
    const kept = first.finish([shareStep]);
    expect(kept.metadata?.persona).toEqual(expect.any(String));
    expect(kept.metadata?.personality).toEqual(expect.objectContaining({ caution: expect.any(Number) }));
    const stored: unknown = JSON.parse(JSON.stringify(kept.notebook));
    const second = continuity.begin(context(1, [], stored));
    expect(second.prior.some((message) => message.role === 'assistant' && JSON.stringify(message.content).includes('share_finding'))).toBe(true);
    expect(second.finish([]).metadata).toBeUndefined();
    expect(createContinuity({ notebookTokens: 0 }).begin(context(1, [], stored)).prior).toEqual([]);
  });
});

describe('the notebook inside the prompt budget', () => {
  it('gets at most half of a call\'s prompt budget, whatever notebookTokens asks for', () => {
    expect(notebookBudget(60_000)).toBe(12_000);
    expect(notebookBudget(8_000)).toBe(4_000);
    expect(notebookBudget(60_000, 50_000)).toBe(30_000);
    expect(notebookBudget(8_000, 0)).toBe(0);
  });
});
