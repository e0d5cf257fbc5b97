import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ToolBoxFixture, createToolBoxFixture } from '../../../test/support/model-server/index.js';
import type { ModelCallHooks, TurnUsage } from '../brain.js';
import { createLlmBrain } from './create-llm-brain.js';
import { LAST_STEP_NOTE } from './model-turn.js';
import { digestOf, estimateTokens, fitPromptBudget } from './prompt-budget.js';

type GenerateResult = Exclude<ConstructorParameters<typeof MockLanguageModelV3>[0], undefined>['doGenerate'] & object;
type Result = Extract<GenerateResult, { content: unknown }>;
type CallOptions = MockLanguageModelV3['doGenerateCalls'][number];

function usage(input: number, output: number, cacheRead = 0): Result['usage'] {
  return { inputTokens: { total: input, noCache: input - cacheRead, cacheRead, cacheWrite: 0 }, outputTokens: { total: output, text: output, reasoning: 0 } };
}

let counter = 0;
function callTool(name: string, input: unknown): Result {
  counter += 1;
  return { content: [{ type: 'tool-call', toolCallId: `call_${counter}`, toolName: name, input: JSON.stringify(input) }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: usage(1000, 20, 600), warnings: [] };
}

/** Every tool result text the model was shown in a call's prompt, in order. */
function resultsSeen(call: CallOptions | undefined): string[] {
  return (call?.prompt ?? []).flatMap((message) =>
    message.role !== 'tool' ? [] : message.content.flatMap((part) => (part.type === 'tool-result' && part.output.type === 'text' ? [part.output.value] : [])));
}

function lastUserText(call: CallOptions | undefined): string {
  const message = call?.prompt.findLast((entry) => entry.role === 'user');
  if (message === undefined || typeof message.content === 'string') return '';
  return message.content.map((part) => ('text' in part ? part.text : '')).join('');
}

let fixture: ToolBoxFixture;
beforeEach(async () => {
  fixture = await createToolBoxFixture({ files: { 'src/a.ts': 'export const a = 1;\n' } });
});
afterEach(async () => {
  await fixture.close();
});

describe('a bounded LLM turn', () => {
  it('never runs the tool calls of the last step: the model is told, and the call is refused', async () => {
    const model = new MockLanguageModelV3({ doGenerate: () => Promise.resolve(callTool('share_finding', { content: `finding ${counter}` })) });
    const toolBox = fixture.toolBox();
    await createLlmBrain({ name: 'test', model, maxSteps: 3 }).turn(await fixture.context(), toolBox, new AbortController().signal);
    expect(model.doGenerateCalls).toHaveLength(3);
    expect(lastUserText(model.doGenerateCalls[2])).toBe(LAST_STEP_NOTE);
    expect(lastUserText(model.doGenerateCalls[1])).not.toBe(LAST_STEP_NOTE);
    // Two findings shared (steps 1 and 2); the third call was not run.
    expect(toolBox.calls.map((call) => call.tool)).toEqual(['share_finding', 'share_finding']);
  });

  it('tells the model when the same call gives the same result, and ends the turn when that goes on', async () => {
    const model = new MockLanguageModelV3({ doGenerate: () => Promise.resolve(callTool('list_files', { folder: 'src' })) });
    const outcome = await createLlmBrain({ name: 'test', model, maxSteps: 8 }).turn(await fixture.context(), fixture.toolBox(), new AbortController().signal);
    // Call 1: a result; call 2: the same again, so a note; call 3: the same once more, so the turn ends.
    expect(model.doGenerateCalls).toHaveLength(3);
    expect(resultsSeen(model.doGenerateCalls[2]).at(-1)).toMatch(/^\{"ok":false,"error":"repeat: list_files with this input already returned exactly this/);
    expect(outcome.summary).toMatch(/turn ended early: the same calls kept giving the same results/);
    expect(outcome.idle).toBe(true);
  });

  it('waits for the pace before each call, reports each call as it ends, and stops once a budget is spent', async () => {
    const events: string[] = [];
    const seen: TurnUsage[] = [];
    const hooks: ModelCallHooks = {
      beforeCall: () => {
        events.push('before');
        return Promise.resolve();
      },
      afterCall: (call) => {
        events.push('after');
        seen.push(call);
      },
      stopReason: () => (seen.length >= 2 ? 'instance model-call budget reached (2 of 2 calls)' : null),
    };
    let n = 0;
    const model = new MockLanguageModelV3({ doGenerate: () => Promise.resolve(callTool('grep', { pattern: `x${(n += 1)}` })) });
    const outcome = await createLlmBrain({ name: 'test', model, maxSteps: 8 }).turn(await fixture.context(), fixture.toolBox(), new AbortController().signal, hooks);
    expect(events).toEqual(['before', 'after', 'before', 'after']);
    expect(seen[0]).toMatchObject({ inputTokens: 1000, outputTokens: 20, cacheReadTokens: 600, modelCalls: 1 });
    expect(outcome.usage).toMatchObject({ inputTokens: 2000, cacheReadTokens: 1200, modelCalls: 2 });
    expect(outcome.summary).toMatch(/turn ended early: instance model-call budget reached/);
  });

  it('shortens the oldest tool results of a long turn to digests once the prompt budget is passed', () => {
    const big = 'line one of a long file\n'.repeat(2000);
    const results = [1, 2, 3].map((index) => ({ role: 'tool' as const, content: [{ type: 'tool-result' as const, toolCallId: `c${index}`, toolName: 'read_files', output: { type: 'text' as const, value: `${index}:${big}` } }] }));
    const messages = [{ role: 'user' as const, content: 'the turn' }, ...results];
    const fitted = fitPromptBudget(messages, 1000, 20_000);
    expect(estimateTokens(fitted) + 1000).toBeLessThanOrEqual(20_000);
    const texts = fitted.slice(1).map((message) => (message.role === 'tool' && message.content[0]?.type === 'tool-result' && message.content[0].output.type === 'text' ? message.content[0].output.value : ''));
    expect(texts[0]).toBe(digestOf('read_files', `1:${big}`));
    expect(texts[0]).toMatch(/^\[shortened to keep the prompt small: read_files returned 48002 characters; it began: 1:line one/);
    expect(texts[2]).toBe(`3:${big}`);
    // The same messages give the same prompt (a stable prefix for the cache), and a budget that fits changes nothing.
    expect(fitPromptBudget(messages, 1000, 20_000)).toEqual(fitted);
    expect(fitPromptBudget(messages, 1000, 1_000_000)).toEqual(messages);
  });
});
