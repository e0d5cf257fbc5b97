import type * as OtelApi from '@opentelemetry/api';
import { type TracingEnvironment, tracesProtocol, tracesRequested } from './tracing-settings.js';

/** What a started tracer offers the span helpers: the API module, the tracer and the context spans start under. */
export interface Tracing {
  readonly api: typeof OtelApi;
  readonly tracer: OtelApi.Tracer;
  /** The parent of a span started outside any other: the trace named by TRACEPARENT, or none. */
  readonly root: OtelApi.Context;
  /** Reads a W3C `traceparent` header value into a span context (null when malformed). */
  readonly parseTraceparent: (text: string) => OtelApi.SpanContext | null;
  /** The W3C `baggage` entries of the process (from the BAGGAGE variable). */
  readonly baggage: ReadonlyMap<string, string>;
}

let current: Tracing | undefined;
let shutdown: (() => Promise<void>) | undefined;

/** The tracer of this process, or undefined while tracing is off (the usual case: every helper is then a no-op). */
export function activeTracing(): Tracing | undefined {
  return current;
}

/** The context propagated to this process through the environment (TRACEPARENT, TRACESTATE, BAGGAGE). */
function contextFromEnvironment(api: typeof OtelApi, propagator: OtelApi.TextMapPropagator, env: TracingEnvironment): OtelApi.Context {
  const carrier: Record<string, string> = {};
  if (env.TRACEPARENT !== undefined) carrier.traceparent = env.TRACEPARENT;
  if (env.TRACESTATE !== undefined) carrier.tracestate = env.TRACESTATE;
  if (env.BAGGAGE !== undefined) carrier.baggage = env.BAGGAGE;
  return propagator.extract(api.ROOT_CONTEXT, carrier, api.defaultTextMapGetter);
}

async function loadExporter(env: TracingEnvironment): Promise<import('@opentelemetry/sdk-trace-node').SpanExporter> {
  // Both exporters read the endpoint, headers, timeout and compression from the standard OTEL_EXPORTER_OTLP_* variables.
  if (tracesProtocol(env) === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter();
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter();
}

/**
 * Starts exporting traces when the environment asks for them (see `tracesRequested`) and returns whether it
 * did. The OpenTelemetry SDK is loaded here and only here, so a process that is not traced never loads it.
 * Spans go out in batches; `stopTracing` sends what is left. `serviceName` applies unless OTEL_SERVICE_NAME
 * or OTEL_RESOURCE_ATTRIBUTES say otherwise.
 */
export async function startTracing(serviceName: string, env: TracingEnvironment = process.env): Promise<boolean> {
  if (current !== undefined) return true;
  if (!tracesRequested(env)) return false;
  const [api, core, node, resources, exporter] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
    loadExporter(env),
  ]);
  const resource = resources.resourceFromAttributes({ 'service.name': serviceName }).merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new node.NodeTracerProvider({ resource, spanProcessors: [new node.BatchSpanProcessor(exporter)] });
  const propagator = new core.CompositePropagator({ propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()] });
  provider.register({ propagator });
  const root = contextFromEnvironment(api, propagator, env);
  const baggage = new Map((api.propagation.getBaggage(root)?.getAllEntries() ?? []).map(([key, entry]) => [key, entry.value]));
  current = { api, tracer: provider.getTracer('tachikoma'), root, parseTraceparent: core.parseTraceParent, baggage };
  shutdown = () => provider.shutdown();
  return true;
}

/** Sends the spans not yet exported and stops tracing; a no-op when tracing is off. Never throws. */
export async function stopTracing(): Promise<void> {
  const stop = shutdown;
  current = undefined;
  shutdown = undefined;
  await stop?.().catch(() => undefined);
}
