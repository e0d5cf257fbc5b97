import type { Attributes, Link, Span, SpanKind } from '@opentelemetry/api';
import { activeTracing } from './tracing.js';

/** How a span starts: its kind (numeric, as @opentelemetry/api's SpanKind), attributes and links. */
export interface SpanStart {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
}

/** OpenTelemetry's SpanKind values, without loading the API to read them. */
export const SPAN_KIND = { internal: 0 as SpanKind, server: 1 as SpanKind, client: 2 as SpanKind };

/**
 * Runs `work` inside a span named `name`, the current span of everything it awaits, ended when it settles; a
 * throw marks the span as failed and is rethrown. The span's parent is the current span, else the process's
 * propagated trace. When tracing is off, `work` runs with no span and nothing else happens.
 */
export async function inSpan<T>(name: string, start: SpanStart, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  const tracing = activeTracing();
  if (tracing === undefined) return work(undefined);
  const { api, tracer, root } = tracing;
  const active = api.context.active();
  const parent = api.trace.getSpan(active) === undefined ? root : active;
  return tracer.startActiveSpan(name, start, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span as failed without a throw (a tool that answered `ok: false`). */
export function markFailed(span: Span | undefined, errorType: string, message: string): void {
  const tracing = activeTracing();
  if (span === undefined || tracing === undefined) return;
  span.setStatus({ code: tracing.api.SpanStatusCode.ERROR, message });
  span.setAttribute('error.type', errorType);
}

/** The W3C `traceparent` of the current span (e.g. to carry in a message), or undefined when there is none. */
export function currentTraceparent(): string | undefined {
  const tracing = activeTracing();
  if (tracing === undefined) return undefined;
  const span = tracing.api.trace.getSpan(tracing.api.context.active());
  if (span === undefined) return undefined;
  return traceparentOf(span);
}

/** The W3C `traceparent` value naming `span`. */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/** A link to the span a `traceparent` names, with attributes saying why; undefined when malformed or tracing is off. */
export function linkTo(traceparent: unknown, attributes: Attributes): Link | undefined {
  const tracing = activeTracing();
  if (tracing === undefined || typeof traceparent !== 'string') return undefined;
  const context = tracing.parseTraceparent(traceparent);
  return context === null ? undefined : { context, attributes };
}

/** An entry of the W3C baggage this process was started with (e.g. the run id), or undefined. */
export function baggageEntry(key: string): string | undefined {
  return activeTracing()?.baggage.get(key);
}
