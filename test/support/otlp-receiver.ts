import { once } from 'node:events';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';

/** An OTLP attribute value as OTLP/JSON writes it (64-bit integers may come as strings). */
const anyValueSchema = z.looseObject({
  stringValue: z.string().optional(),
  boolValue: z.boolean().optional(),
  intValue: z.union([z.number(), z.string()]).optional(),
  doubleValue: z.number().optional(),
  arrayValue: z.looseObject({ values: z.array(z.looseObject({ stringValue: z.string().optional() })).optional() }).optional(),
});
const keyValuesSchema = z.array(z.looseObject({ key: z.string(), value: anyValueSchema })).optional();
const linkSchema = z.looseObject({ traceId: z.string(), spanId: z.string(), attributes: keyValuesSchema });
const spanSchema = z.looseObject({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  kind: z.number().optional(),
  attributes: keyValuesSchema,
  links: z.array(linkSchema).optional(),
  status: z.looseObject({ code: z.number().optional() }).optional(),
});
const exportRequestSchema = z.looseObject({
  resourceSpans: z.array(z.looseObject({ resource: z.looseObject({ attributes: keyValuesSchema }).optional(), scopeSpans: z.array(z.looseObject({ spans: z.array(spanSchema).optional() })) })),
});

/** A plain attribute value: string, number, boolean or a list of strings. */
export type AttributeValue = string | number | boolean | string[];

/** One span as received, with attributes as a plain record. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number | undefined;
  attributes: Record<string, AttributeValue>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, AttributeValue> }>;
  statusCode: number;
  resource: Record<string, AttributeValue>;
}

function plain(value: z.infer<typeof anyValueSchema>): AttributeValue {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return (value.arrayValue?.values ?? []).map((entry) => entry.stringValue ?? '');
}

function record(values: z.infer<typeof keyValuesSchema>): Record<string, AttributeValue> {
  return Object.fromEntries((values ?? []).map((entry) => [entry.key, plain(entry.value)]));
}

/** A real OTLP/HTTP trace receiver on 127.0.0.1 speaking the JSON encoding, keeping every span it is sent. */
export interface OtlpReceiver {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT (the exporter adds /v1/traces). */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Content types of the requests received (to tell the encodings apart). */
  readonly contentTypes: string[];
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/** Starts a receiver; protobuf requests are counted (content type) but their spans are not decoded. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request);
      contentTypes.push(String(request.headers['content-type']));
      if (request.url === '/v1/traces' && request.headers['content-type'] === 'application/json') {
        for (const resourceSpans of exportRequestSchema.parse(JSON.parse(body.toString('utf8'))).resourceSpans) {
          const resource = record(resourceSpans.resource?.attributes);
          for (const scope of resourceSpans.scopeSpans) {
            for (const span of scope.spans ?? []) {
              spans.push({
                traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId === '' ? undefined : span.parentSpanId, name: span.name, kind: span.kind,
                attributes: record(span.attributes), links: (span.links ?? []).map((link) => ({ traceId: link.traceId, spanId: link.spanId, attributes: record(link.attributes) })),
                statusCode: span.status?.code ?? 0, resource,
              });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': String(request.headers['content-type'] ?? 'application/json') }).end(request.headers['content-type'] === 'application/json' ? '{}' : '');
    })().catch((error: unknown) => response.writeHead(400).end(String(error)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
