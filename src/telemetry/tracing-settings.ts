/** The environment variables tracing reads (a subset of `process.env`). */
export type TracingEnvironment = Readonly<Record<string, string | undefined>>;

/** The OTLP encodings over HTTP the exporters speak. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The OTLP endpoint traces go to, as the standard variables name it: the traces-specific one first. */
function configuredEndpoint(env: TracingEnvironment): string | undefined {
  return present(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? present(env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * Whether the environment asks for traces, as the OpenTelemetry SDKs read it: an OTLP endpoint is set, the SDK
 * is not disabled (`OTEL_SDK_DISABLED=true`), and `OTEL_TRACES_EXPORTER`, when set, names `otlp`. Without an
 * endpoint nothing is exported and no OpenTelemetry code is loaded.
 */
export function tracesRequested(env: TracingEnvironment): boolean {
  if (present(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true') return false;
  const exporters = present(env.OTEL_TRACES_EXPORTER);
  if (exporters !== undefined && !exporters.split(',').map((name) => name.trim().toLowerCase()).includes('otlp')) return false;
  return configuredEndpoint(env) !== undefined;
}

/** The encoding asked for (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, then `OTEL_EXPORTER_OTLP_PROTOCOL`); the standard's default is protobuf. */
export function tracesProtocol(env: TracingEnvironment): OtlpProtocol {
  const asked = present(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? present(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  return asked === 'http/json' ? 'http/json' : 'http/protobuf';
}

/**
 * Where traces go, for the start line: the endpoint without user, password or query (a token may sit there;
 * headers, where most backends take their key, are never shown), and the encoding. Undefined when off.
 */
export function describeTracing(env: TracingEnvironment): string | undefined {
  if (!tracesRequested(env)) return undefined;
  const endpoint = configuredEndpoint(env) ?? '';
  let shown = endpoint;
  try {
    const url = new URL(endpoint);
    shown = `${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    shown = '(an endpoint that is not a URL)';
  }
  const asked = present(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? present(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  const note = asked === 'grpc' ? ' (grpc is not supported: sending http/protobuf)' : '';
  return `${shown} ${tracesProtocol(env)}${note}`;
}
