import { createHash } from 'node:crypto';
import type { Span } from '@opentelemetry/api';
import { CONVERSATION_BAGGAGE, GEN_AI } from './gen-ai-attributes.js';
import { SPAN_KIND, traceparentOf } from './spans.js';
import { activeTracing, startTracing, stopTracing } from './tracing.js';

/** The trace of one run, held by the orchestrator: every instance's turns are in it. */
export interface RunTrace {
  /** What each instance process gets in its environment: the run's span (TRACEPARENT) and the run id (BAGGAGE). */
  readonly environment: Readonly<Record<string, string>>;
  /** Notes something that happened to the run (an instance started, crashed …) on the run's span. */
  event(name: string, attributes?: Record<string, string | number | boolean>): void;
  /** Ends the run's span with how the run ended and sends every span left. */
  end(state: string): Promise<void>;
}

/** The run's id in traces (`gen_ai.conversation.id`): stable for a run directory, so a resumed run keeps it. */
export function runConversationId(runDirectory: string): string {
  return `run_${createHash('sha256').update(runDirectory).digest('hex').slice(0, 16)}`;
}

/**
 * Starts the trace of a run when the environment asks for traces (see `tracesRequested`), or returns
 * undefined. The run is one `invoke_agent` span of the collective; its instances' turns become its children
 * through the environment of their processes (the standard TRACEPARENT and BAGGAGE variables).
 */
export async function startRunTrace(runDirectory: string, instances: number, resumed: boolean): Promise<RunTrace | undefined> {
  if (!(await startTracing('tachikoma'))) return undefined;
  const tracing = activeTracing();
  if (tracing === undefined) return undefined;
  const conversation = runConversationId(runDirectory);
  const span: Span = tracing.tracer.startSpan(
    'invoke_agent tachikoma',
    {
      kind: SPAN_KIND.internal,
      attributes: { [GEN_AI.operation]: 'invoke_agent', [GEN_AI.agentName]: 'tachikoma', [GEN_AI.conversationId]: conversation, 'tachikoma.instances': instances, 'tachikoma.resumed': resumed },
    },
    tracing.root,
  );
  return {
    environment: { TRACEPARENT: traceparentOf(span), BAGGAGE: `${CONVERSATION_BAGGAGE}=${conversation}` },
    event: (name, attributes) => span.addEvent(name, attributes),
    end: async (state) => {
      span.setAttribute('tachikoma.run.state', state);
      if (state === 'crashed') span.setStatus({ code: tracing.api.SpanStatusCode.ERROR, message: 'the run crashed' });
      span.end();
      await stopTracing();
    },
  };
}
