/**
 * `npm run bench:tokens`: replays a recorded multi-turn run of one anthropic instance (bench/tokens/recorded-run.json)
 * against the mock model server, once with prompt caching and once without, through the real brain and tool box.
 * Prints, per model call, the prompt tokens, the share of the prompt identical to the start of the previous call's,
 * and the billed-equivalent input with and without caching, side by side; then the totals and their ratio, and the
 * figures as one JSON object on the last line of stdout.
 */
import { packageRoot } from '../src/core/package-root.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { createProviderBrain } from '../src/brain/llm/create-llm-brain.js';
import { type MockReply, createToolBoxFixture, startMockLlmServer } from '../test/support/model-server/index.js';
import { type CallFigures, callFigures } from './tokens/call-figures.js';

const replySchema = z.object({ text: z.string().optional(), toolCalls: z.array(z.object({ name: z.string(), input: z.record(z.string(), z.unknown()) })).optional() });
const runSchema = z.object({
  files: z.record(z.string(), z.string()),
  turns: z.array(z.object({ human: z.string().nullable(), replies: z.array(replySchema).min(1) })).min(1),
});
type RecordedRun = z.infer<typeof runSchema>;

/** The recording lives in the source tree (bench/tokens), whether this runs from there or compiled in build/. */
function loadRun(): RecordedRun {
  const root = join(packageRoot(), 'bench');
  return runSchema.parse(JSON.parse(readFileSync(join(root, 'tokens', 'recorded-run.json'), 'utf8')));
}

/** Replays the run through the anthropic brain; returns each call's figures. */
async function replay(run: RecordedRun, promptCaching: boolean): Promise<CallFigures[]> {
  const replies: MockReply[] = run.turns.flatMap((turn) => turn.replies.map((reply) => reply as MockReply));
  const steps = run.turns.flatMap((turn, index) => turn.replies.map((_, step) => ({ turn: index + 1, step: step + 1 })));
  let next = 0;
  const mock = await startMockLlmServer({ respond: () => replies[next++] ?? { text: 'done' } });
  const fixture = await createToolBoxFixture({ self: 'instance_1', role: 'explorer', files: run.files, peers: [{ id: 'instance_2', role: 'builder' }] });
  try {
    const brain = createProviderBrain(
      'anthropic',
      { instanceId: 'instance_1', role: 'explorer', runDirectory: fixture.runDirectory, workspace: fixture.workspace, options: { baseUrl: `${mock.url}/v1`, promptCaching, maxRetries: 0 } },
      { ANTHROPIC_API_KEY: 'bench-key' },
    );
    for (const [index, turn] of run.turns.entries()) {
      const inbox = turn.human === null ? [] : [await fixture.publish({ from: 'human', to: 'instance_1', type: 'question', content: turn.human })];
      await brain.turn(await fixture.context(inbox, index), fixture.toolBox(String(index)), new AbortController().signal);
    }
    return callFigures(mock.requests.map((request) => request.body), mock.cacheSplits, steps);
  } finally {
    await mock.close();
    await fixture.close();
  }
}

const pad = (value: string | number, width: number): string => String(value).padStart(width);

function report(cached: readonly CallFigures[], plain: readonly CallFigures[]): string[] {
  const lines = [
    'call  turn.step  prompt tok  same prefix  cache read  cache write  billed with cache  billed without  ratio',
  ];
  cached.forEach((call, index) => {
    const without = plain[index]?.billedWithout ?? call.billedWithout;
    lines.push(
      `${pad(index + 1, 4)}  ${pad(`${call.turn}.${call.step}`, 9)}  ${pad(call.promptTokens, 10)}  ${pad(`${(call.prefixShare * 100).toFixed(1)}%`, 11)}  ${pad(call.cacheRead, 10)}  ${pad(call.cacheWrite, 11)}  ${pad(Math.round(call.billedWithCache), 17)}  ${pad(without, 14)}  ${pad((call.billedWithCache / without).toFixed(2), 5)}`,
    );
  });
  const withCache = cached.reduce((sum, call) => sum + call.billedWithCache, 0);
  const without = plain.reduce((sum, call) => sum + call.billedWithout, 0);
  const prompt = cached.reduce((sum, call) => sum + call.promptTokens, 0);
  lines.push(`total ${cached.length} calls: ${prompt} prompt tokens; billed-equivalent input ${Math.round(withCache)} with caching vs ${without} without (${((withCache / without) * 100).toFixed(1)}%, ${(without / withCache).toFixed(2)}× less)`);
  return lines;
}

async function main(): Promise<void> {
  const run = loadRun();
  process.stderr.write('bench:tokens: replaying with prompt caching\n');
  const cached = await replay(run, true);
  process.stderr.write('bench:tokens: replaying without prompt caching\n');
  const plain = await replay(run, false);
  for (const line of report(cached, plain)) process.stdout.write(`${line}\n`);
  const withCache = cached.reduce((sum, call) => sum + call.billedWithCache, 0);
  const without = plain.reduce((sum, call) => sum + call.billedWithout, 0);
  const averageShare = cached.slice(1).reduce((sum, call) => sum + call.prefixShare, 0) / Math.max(1, cached.length - 1);
  process.stdout.write(`${JSON.stringify({ calls: cached.length, promptTokens: cached.map((call) => call.promptTokens), prefixShare: cached.map((call) => Math.round(call.prefixShare * 1000) / 1000), averagePrefixShare: Math.round(averageShare * 1000) / 1000, billedWithCache: Math.round(withCache), billedWithout: without, ratio: Math.round((withCache / without) * 1000) / 1000 })}\n`);
}

await main();
