import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type MockLlmRequest, byInstance, firstUserText, planResponder, startMockLlmServer } from './support/model-server/index.js';
import { type ReceivedSpan, startOtlpReceiver } from './support/otlp-receiver.js';
import { CLI, alive, cli, waitFor, withStore } from './support/collective-harness.js';

const SECRET = 'sk-telemetry-secret-0123456789';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workspace(): { workspace: string; runDirectory: string } {
  const folder = mkdtempSync(join(tmpdir(), 'tachikoma-otel-'));
  writeFileSync(join(folder, 'notes.md'), '# notes\n');
  writeFileSync(join(folder, 'tachikoma.config.json'), JSON.stringify({ heartbeatMs: 250, staleMs: 10_000, idleCheckMs: 60_000, stopTimeoutMs: 5000 }));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  return { workspace: folder, runDirectory: join(folder, '.tachikoma') };
}

/** instance_1 asks instance_2 something; instance_2 answers once the question is in its inbox. */
function conversation() {
  const asker = planResponder([{ call: { name: 'send_message', input: { to: 'instance_2', type: 'question', content: 'ping: what is in notes.md?' } } }], { doneText: 'asked' });
  const answerer = planResponder(
    [{ call: (request: MockLlmRequest) => (/from instance_1 to instance_2, question: ping/.test(firstUserText(request)) ? { name: 'send_message', input: { to: 'instance_1', type: 'answer', content: 'pong' } } : undefined) }],
    { waitingText: 'nothing asked yet', doneText: 'answered' },
  );
  return { asker, answerer, respond: byInstance({ instance_1: asker, instance_2: answerer }) };
}

function startRun(args: readonly string[], env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'run', '--json', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[orchestrator] ${chunk.toString()}`));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.pid !== undefined && alive(child.pid)) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  return { child, exited };
}

const named = (spans: readonly ReceivedSpan[], name: string): ReceivedSpan[] => spans.filter((span) => span.name === name);

describe('OpenTelemetry traces of a run', () => {
  it('a run with OTEL_EXPORTER_OTLP_ENDPOINT sends one trace: the run, each turn, each model call and tool call, with GenAI attributes and a link per message', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    const { asker, answerer, respond } = conversation();
    const mock = await startMockLlmServer({ respond });
    cleanups.push(() => mock.close());
    const { workspace: folder, runDirectory } = workspace();
    const run = startRun(
      ['--workspace', folder, '--run-dir', runDirectory, '--brain', 'openai-compatible', '--base-url', `${mock.url}/v1`, '--model', 'mock', '--instances', '2', '--no-dashboard'],
      { OPENAI_API_KEY: SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' },
    );
    await waitFor('instance_2 to answer instance_1', () => asker.finished && answerer.finished, 45_000);
    const stopped = await cli(['stop', '--run-dir', runDirectory]);
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(await run.exited).toBe(0);
    const root = await waitFor('the run span', () => named(receiver.spans, 'invoke_agent tachikoma')[0], 10_000);

    const spans = receiver.spans;
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([root.traceId]));
    expect(root.parentSpanId).toBeUndefined();
    expect(root.resource['service.name']).toBe('tachikoma');
    const conversationId = root.attributes['gen_ai.conversation.id'];
    expect(conversationId).toMatch(/^run_[0-9a-f]{16}$/);

    const turns = spans.filter((span) => span.attributes['gen_ai.operation.name'] === 'invoke_agent' && span !== root);
    expect(new Set(turns.map((span) => span.name))).toEqual(new Set(['invoke_agent instance_1', 'invoke_agent instance_2']));
    for (const turn of turns) {
      expect(turn.parentSpanId).toBe(root.spanId);
      expect(turn.attributes['gen_ai.agent.name']).toBe(turn.name.slice('invoke_agent '.length));
      expect(turn.attributes['gen_ai.conversation.id']).toBe(conversationId);
    }

    const chats = spans.filter((span) => span.attributes['gen_ai.operation.name'] === 'chat');
    expect(chats.length).toBeGreaterThanOrEqual(4);
    const turnIds = new Set(turns.map((span) => span.spanId));
    for (const chat of chats) {
      expect(chat.name).toBe('chat mock');
      expect(turnIds.has(chat.parentSpanId ?? '')).toBe(true);
      expect(chat.kind).toBe(3); // OTLP's SPAN_KIND_CLIENT
      expect(chat.attributes).toMatchObject({ 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'mock', 'server.address': '127.0.0.1' });
      expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    }

    const sends = named(spans, 'execute_tool send_message');
    const question = sends.find((span) => turns.find((turn) => turn.spanId === span.parentSpanId)?.name === 'invoke_agent instance_1');
    expect(question?.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'send_message' });
    // The turn of instance_2 that read the question links to the span that sent it.
    const reader = turns.find((turn) => turn.name === 'invoke_agent instance_2' && turn.links.some((link) => link.spanId === question?.spanId));
    expect(reader?.links.find((link) => link.spanId === question?.spanId)?.attributes).toMatchObject({ 'tachikoma.message.from': 'instance_1', 'tachikoma.message.type': 'question' });

    // Nothing secret and no message text in any attribute.
    const everything = JSON.stringify(spans);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('ping:');
    const stored = await withStore(runDirectory, (store) => store.readMessages({ audience: { all: true }, after: 0 }));
    expect(stored.find((message) => message.content.startsWith('ping:'))?.metadata.traceparent).toBe(`00-${root.traceId}-${question?.spanId ?? ''}-01`);
  });

  it('sends protobuf by default (the standard default), with an offline brain too, and nothing when OTEL_SDK_DISABLED=true', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    const { workspace: folder, runDirectory } = workspace();
    const run = startRun(['--workspace', folder, '--run-dir', runDirectory, '--instances', '1', '--no-dashboard'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' });
    await waitFor('the instance to export its turns', () => receiver.contentTypes.length >= 1, 30_000);
    const stopped = await cli(['stop', '--run-dir', runDirectory]);
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(await run.exited).toBe(0);
    await waitFor('the spans sent as the run stopped', () => receiver.contentTypes.length >= 2, 10_000);
    expect(new Set(receiver.contentTypes)).toEqual(new Set(['application/x-protobuf']));

    const quiet = await startOtlpReceiver();
    cleanups.push(() => quiet.close());
    const second = workspace();
    const untraced = startRun(['--workspace', second.workspace, '--run-dir', second.runDirectory, '--instances', '1', '--no-dashboard'], { OTEL_EXPORTER_OTLP_ENDPOINT: quiet.url, OTEL_SDK_DISABLED: 'true' });
    await waitFor('the instance to take a turn', () => withStore(second.runDirectory, async (store) => (await store.listInstances()).some((record) => record.iteration > 0)), 30_000);
    expect((await cli(['stop', '--run-dir', second.runDirectory])).status).toBe(0);
    expect(await untraced.exited).toBe(0);
    expect(quiet.contentTypes).toEqual([]);
  });
});
