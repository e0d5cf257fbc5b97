import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Brain, ModelCallHooks, TurnContext } from '../brain/brain.js';
import { startTracing, stopTracing } from '../telemetry/tracing.js';
import { traceBrain } from './trace-brain.js';

beforeAll(async () => {
  // An endpoint nobody listens on: spans are made (tracing is on) and their export fails quietly.
  expect(await startTracing('tachikoma-test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toBe(true);
});
afterAll(() => stopTracing());

describe('a traced brain', () => {
  it('is the same brain to the governor: its model and the hooks of each turn pass through', async () => {
    let received: ModelCallHooks | undefined;
    const brain: Brain = {
      name: 'fake',
      model: 'model-x',
      turn: (_context, _tools, _signal, hooks) => {
        received = hooks;
        return Promise.resolve({ summary: 'done', idle: true });
      },
    };
    const traced = traceBrain(brain, { instanceId: 'instance_1', role: 'explorer' });
    expect(traced).not.toBe(brain);
    expect(traced.model).toBe('model-x');
    const hooks: ModelCallHooks = { beforeCall: () => Promise.resolve(), afterCall: () => undefined, stopReason: () => null };
    const context = { instance: { id: 'instance_1', role: 'explorer', iteration: 1, metadata: {} }, inbox: [] } as unknown as TurnContext;
    await traced.turn(context, { specs: [], call: () => Promise.resolve({ ok: true, data: null }) }, new AbortController().signal, hooks);
    expect(received).toBe(hooks);
  });
});
