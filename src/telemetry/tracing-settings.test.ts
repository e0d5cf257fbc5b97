import { describe, expect, it } from 'vitest';
import { describeTracing, tracesProtocol, tracesRequested } from './tracing-settings.js';

describe('tracing settings from the standard OTEL_* variables', () => {
  it('is on only with an endpoint, and off when the SDK is disabled or another exporter is named', () => {
    expect(tracesRequested({})).toBe(false);
    expect(tracesRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBe(false);
    expect(tracesRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracesRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(tracesRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBe(false);
    expect(tracesRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(tracesRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318', OTEL_TRACES_EXPORTER: 'console, otlp' })).toBe(true);
  });

  it('sends protobuf unless JSON is asked for, the traces-specific variable first', () => {
    expect(tracesProtocol({})).toBe('http/protobuf');
    expect(tracesProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe('http/json');
    expect(tracesProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })).toBe('http/protobuf');
  });

  it('describes the endpoint without credentials or query, and says when grpc is not available', () => {
    expect(describeTracing({})).toBeUndefined();
    expect(describeTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:secret@otel.example:4318/?token=abc' })).toBe('https://otel.example:4318 http/protobuf');
    expect(describeTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe('http://h:4317 http/protobuf (grpc is not supported: sending http/protobuf)');
  });
});
