import { APICallError } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ToolBoxFixture, createToolBoxFixture } from '../../../test/support/model-server/index.js';
import { BrainError } from '../brain-error.js';
import { createLlmBrain } from './create-llm-brain.js';

type GenerateResult = Exclude<ConstructorParameters<typeof MockLanguageModelV3>[0], undefined>['doGenerate'] & object;
type Result = Extract<GenerateResult, { content: unknown }>;
type CallOptions = MockLanguageModelV3['doGenerateCalls'][number];

function usage(input: number, output: number): Result['usage'] {
  return { inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: output, text: output, reasoning: undefined } };
}

function callTool(name: string, input: unknown, id = `call_${name}`): Result {
  return { content: [{ type: 'tool-call', toolCallId: id, toolName: name, input: JSON.stringify(input) }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: usage(100, 20), warnings: [] };
}

function say(text: string): Result {
  return { content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(120, 10), warnings: [] };
}

/** The text the model was shown as the result of the tool call `id` (from the prompt of a later call). */
function toolResultSeen(call: CallOptions | undefined, id: string): string {
  for (const message of call?.prompt ?? []) {
    if (message.role !== 'tool') continue;
    for (const part of message.content) {
      if (part.type === 'tool-result' && part.toolCallId === id && part.output.type === 'text') return part.output.value;
    }
  }
  throw new Error(`no result for ${id} in the prompt`);
}

function promptText(call: CallOptions | undefined, role: 'system' | 'user'): string {
  const message = call?.prompt.find((entry) => entry.role === role);
  if (message === undefined) return '';
  return typeof message.content === 'string' ? message.content : message.content.map((part) => ('text' in part ? part.text : '')).join('');
}

let fixture: ToolBoxFixture;
beforeEach(async () => {
  fixture = await createToolBoxFixture({
    self: 'instance_1',
    role: 'explorer',
    files: { 'src/a.ts': 'export const a = 1;\n// TODO: validate input\n' },
    peers: [{ id: 'instance_2', role: 'builder' }],
  });
});
afterEach(async () => {
  await fixture.close();
});

describe('the LLM brain', () => {
  it('runs a tool loop through the real tool box: the call reaches the store and its result reaches the model', async () => {
    const model = new MockLanguageModelV3({ doGenerate: [callTool('share_finding', { content: 'a TODO in src/a.ts', evidence: ['src/a.ts:2'] }), say('  shared one finding\n')] });
    const question = await fixture.publish({ from: 'human', to: 'instance_1', type: 'question', content: 'what is in src/a.ts?' });
    const brain = createLlmBrain({ name: 'test', model, temperature: 0.2, maxOutputTokens: 500 });
    const outcome = await brain.turn(await fixture.context([question]), fixture.toolBox(), new AbortController().signal);
    expect(outcome).toMatchObject({ summary: 'shared one finding', idle: false, usage: { inputTokens: 220, outputTokens: 30 } });
    const findings = await fixture.store.readMessages({ audience: { all: true }, after: 0 });
    expect(findings.filter((message) => message.type === 'finding').map((message) => [message.from, message.content, message.metadata.evidence])).toEqual([
      ['instance_1', 'a TODO in src/a.ts', ['src/a.ts:2']],
    ]);
    expect(model.doGenerateCalls).toHaveLength(2);
    const [first, second] = model.doGenerateCalls;
    expect(first?.temperature).toBe(0.2);
    expect(first?.maxOutputTokens).toBe(500);
    expect(promptText(first, 'system')).toMatch(/^You are instance_1, one autonomous instance of Tachikoma/);
    expect(promptText(first, 'system')).toContain('explorer: you investigate');
    expect(promptText(first, 'user')).toContain(`${question.id} #${question.seq} from human to instance_1, question: what is in src/a.ts?`);
    expect(promptText(first, 'user')).toContain('instance_2 (builder)');
    const toolNames = (first?.tools ?? []).map((entry) => entry.name);
    expect(toolNames).toContain('share_finding');
    expect(toolNames).toContain('create_task');
    expect(toolNames).not.toContain('write_report');
    const shareFinding = first?.tools?.find((entry) => entry.name === 'share_finding');
    expect(shareFinding).toMatchObject({ type: 'function', inputSchema: { type: 'object', required: ['content'], additionalProperties: false } });
    expect(shareFinding !== undefined && 'inputSchema' in shareFinding ? shareFinding.inputSchema : {}).not.toHaveProperty('$schema');
    expect(toolResultSeen(second, 'call_share_finding')).toMatch(/^\{"ok":true,"data":\{"memoryId":"mem_/);
  });

  it('shows the model a refused call as a readable error, so it can react (here: fail_task instead of a bogus completion)', async () => {
    await fixture.store.register({ id: 'instance_9', role: 'coordinator' });
    const task = await fixture.store.createTask({ id: 'task_a', title: 'audit a', createdBy: 'instance_9' });
    const model = new MockLanguageModelV3({
      doGenerate: [
        callTool('claim_task', { taskId: task.id }),
        callTool('complete_task', { taskId: task.id, result: 'done', evidence: [] }),
        callTool('fail_task', { taskId: task.id, reason: 'found nothing to cite' }),
        say('could not complete task_a; reported it'),
      ],
    });
    const brain = createLlmBrain({ name: 'test', model });
    const outcome = await brain.turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    expect(outcome.summary).toBe('could not complete task_a; reported it');
    expect(toolResultSeen(model.doGenerateCalls[2], 'call_complete_task')).toMatch(/^\{"ok":false,"error":"invalid input for complete_task: evidence/);
    expect((await fixture.store.getTask(task.id))?.state).toBe('failed');
  });

  it('is idle when the model calls no tool and the inbox is empty, busy when messages came in', async () => {
    const brain = createLlmBrain({ name: 'test', model: new MockLanguageModelV3({ doGenerate: [say('nothing to do'), say('read it')] }) });
    expect(await brain.turn(await fixture.context(), fixture.toolBox(), new AbortController().signal)).toMatchObject({ summary: 'nothing to do', idle: true });
    const message = await fixture.publish({ from: 'instance_2', to: 'instance_1', type: 'status', content: 'hello' });
    expect(await brain.turn(await fixture.context([message], 1), fixture.toolBox('1'), new AbortController().signal)).toMatchObject({ summary: 'read it', idle: false });
  });

  it('stops a turn after maxSteps model calls even if the model keeps calling tools', async () => {
    const model = new MockLanguageModelV3({ doGenerate: () => Promise.resolve(callTool('list_tasks', {})) });
    const brain = createLlmBrain({ name: 'test', model, maxSteps: 3 });
    const outcome = await brain.turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    expect(model.doGenerateCalls).toHaveLength(3);
    // Only reads and nothing asked: the instance goes idle after the turn.
    expect(outcome).toMatchObject({ summary: 'made 3 tool call(s)', idle: true });
  });

  it('returns promptly when the turn is aborted mid-call', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: ({ abortSignal }) =>
        new Promise<Result>((_resolve, reject) => abortSignal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true })),
    });
    const controller = new AbortController();
    const brain = createLlmBrain({ name: 'test', model });
    const turn = brain.turn(await fixture.context(), fixture.toolBox(), controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(turn).resolves.toMatchObject({ idle: true, summary: expect.stringMatching(/^stopping/) });
  });

  it('after a failed call, backs off and marks the turn unhandled (the instance presents the inbox again); a refused key stops the instance, key redacted', async () => {
    const failing = (status: number, message: string): never => {
      throw new APICallError({ message, url: 'http://127.0.0.1:9/v1/chat/completions', requestBodyValues: {}, statusCode: status, isRetryable: false });
    };
    let attempt = 0;
    const model = new MockLanguageModelV3({
      doGenerate: () => {
        attempt += 1;
        return attempt <= 2 ? failing(400, 'context too long') : attempt === 3 ? Promise.resolve(say('answered')) : failing(401, 'bad key sk-secret-123');
      },
    });
    const brain = createLlmBrain({ name: 'openai-compatible', model, secret: 'sk-secret-123', metadata: { model: 'mock' } });
    const question = await fixture.publish({ from: 'human', to: 'instance_1', type: 'question', content: 'status?' });
    const failed = await brain.turn(await fixture.context([question]), fixture.toolBox(), new AbortController().signal);
    expect(failed).toMatchObject({ idle: false, unhandled: true, nextTurnInMs: 5000, summary: expect.stringContaining('HTTP 400: context too long') });
    const again = await brain.turn(await fixture.context([question], 1), fixture.toolBox('1'), new AbortController().signal);
    expect(again).toMatchObject({ unhandled: true, nextTurnInMs: 10_000, summary: expect.stringContaining('2 in a row') });
    const next = await brain.turn(await fixture.context([question], 2), fixture.toolBox('2'), new AbortController().signal);
    expect(next).toMatchObject({ summary: 'answered', idle: false, metadata: { model: 'mock' } });
    expect(next.unhandled).toBeUndefined();
    expect(promptText(model.doGenerateCalls[2], 'user')).toContain(`${question.id} #${question.seq} from human`);
    const refused = await brain.turn(await fixture.context([], 3), fixture.toolBox('3'), new AbortController().signal).catch((error: unknown) => error);
    expect(BrainError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'misconfigured', message: expect.stringContaining('HTTP 401: bad key [redacted]') });
    expect(String((refused as Error).message)).not.toContain('sk-secret-123');
  });
});
