import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { type HistoryEvent, instanceIdSchema, messageTypeSchema } from '../../protocol/index.js';
import { type CollectiveStore, StoreError } from '../../store/index.js';
import type { ErrorResponse, HistoryResponse, LogsResponse, MemoryResponse, MessagesResponse, NotebookResponse, RunInfo, StateResponse } from '../view-model/wire.js';
import { type DashboardModel, wireMessage } from './dashboard-model.js';
import { readLogTail, watchLog } from './log-tail.js';
import { notebookResponse } from './notebook-response.js';
import { NOTEBOOK_NAMESPACE } from '../../brain/notebook.js';
import type { UiAssets } from './ui-assets.js';
import type { ChangesFeed } from './changes-feed.js';
import { addChangesRoutes } from './changes-routes.js';
import { readJsonBody } from './json-body.js';

export interface DashboardAppOptions {
  store: CollectiveStore;
  model: DashboardModel;
  /** The run's changes, kept current. */
  changes: ChangesFeed;
  run: RunInfo;
  assets: UiAssets;
  /** Where instance logs live (`<run>/logs/<id>.log`). */
  logPath: (instanceId: string) => string;
  /** Required on every request when set (the server listens beyond loopback). */
  token?: string;
  /** Host header values accepted (DNS-rebinding guard); empty means any. */
  allowedHosts: readonly string[];
}

const TOKEN_COOKIE = 'tachikoma_token';
/** Live event data queued for one SSE client that is not reading before it is disconnected. */
const MAX_UNREAD_SSE_BYTES = 16 * 1024 * 1024;
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Live streams (history and log tails) held at once: each holds a socket and a subscription or a file poll. */
const MAX_STREAMS = 64;

const sendSchema = z.strictObject({
  to: z.string().min(1).max(64),
  text: z.string().min(1, 'nothing to send').max(65_536),
  type: messageTypeSchema.optional(),
});

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return undefined; // mangled percent-encoding: no token
    }
  }
  return undefined;
}

/** Resolves when the client leaves, also when it left before this was asked (while a first frame was written). */
function untilAborted(stream: SSEStreamingApi): Promise<void> {
  return new Promise((resolve) => {
    if (stream.aborted) resolve();
    else stream.onAbort(resolve);
  });
}

function intParam(text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

function fail(c: Context, status: 400 | 403 | 404 | 413 | 503, error: string): Response {
  return c.json<ErrorResponse>({ error }, status);
}

type StreamLimiter = (c: Context, body: (stream: SSEStreamingApi) => Promise<void>) => Response;

/** Counts live streams until each body ends; refuses one beyond MAX_STREAMS. */
function streamLimiter(): StreamLimiter {
  let streams = 0;
  return (c: Context, body: (stream: SSEStreamingApi) => Promise<void>): Response => {
    if (streams >= MAX_STREAMS) return fail(c, 503, `too many live connections (${MAX_STREAMS}): close some dashboard tabs`);
    streams += 1;
    return streamSSE(c, async (stream) => {
      try {
        await body(stream);
      } finally {
        streams -= 1;
      }
    });
  };
}

/** Security headers on every answer; the Host allowlist, the token, and same-origin writes checked first. */
function securityGuard(options: DashboardAppOptions): MiddlewareHandler {
  return async (c, next) => {
    // Set first, so refusals carry them too.
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-frame-options', 'DENY');
    c.header('content-security-policy', CSP);
    const host = c.req.header('host') ?? '';
    if (options.allowedHosts.length > 0 && !options.allowedHosts.includes(host.toLowerCase())) return fail(c, 403, `host ${JSON.stringify(host)} is not served here`);
    if (options.token !== undefined) {
      const bearer = c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
      const fromQuery = c.req.query('token');
      const ok = sameToken(bearer, options.token) || sameToken(cookieValue(c.req.header('cookie'), TOKEN_COOKIE), options.token) || sameToken(fromQuery, options.token);
      if (!ok) return fail(c, 403, 'this dashboard needs its token (printed when it started): open it with ?token=…');
      if (fromQuery !== undefined) c.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      if (origin === undefined || origin !== `http://${host}`) return fail(c, 403, 'cross-origin or origin-less writes are refused');
    }
    await next();
    return undefined;
  };
}

/** The built UI. */
function addAssetRoutes(app: Hono, assets: DashboardAppOptions['assets']): void {
  const asset = (name: 'html' | 'js' | 'css', type: string) => (c: Context) => {
    c.header('content-type', type);
    c.header('cache-control', 'no-cache');
    return c.body(assets[name]);
  };
  app.get('/', asset('html', 'text/html; charset=utf-8'));
  app.get('/app.js', asset('js', 'text/javascript; charset=utf-8'));
  app.get('/app.css', asset('css', 'text/css; charset=utf-8'));
}

/** The folded history: state at a moment, history pages, messages as of a moment. */
function addHistoryRoutes(app: Hono, { model, run, changes }: Pick<DashboardAppOptions, 'model' | 'run' | 'changes'>): void {
  app.get('/api/state', (c) => {
    const at = c.req.query('at');
    const view = model.shownView(at === undefined ? undefined : intParam(at, model.liveSeq, 0, Number.MAX_SAFE_INTEGER));
    const body: StateResponse = { view, liveSeq: model.liveSeq, liveAt: model.view.at, startedAt: model.startedAt, run, changes: changes.current };
    return c.json(body);
  });

  app.get('/api/history', (c) => {
    const after = intParam(c.req.query('after'), 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(c.req.query('limit'), 1000, 1, 5000);
    const until = c.req.query('until');
    const untilTime = c.req.query('untilTime');
    const page = model.history(after, limit, until === undefined ? undefined : intParam(until, 0, 0, Number.MAX_SAFE_INTEGER), untilTime);
    return c.json<HistoryResponse>(page);
  });

  app.get('/api/messages', (c) => {
    const at = c.req.query('at');
    const type = c.req.query('type');
    const participant = c.req.query('instance');
    const page = model.queryMessages({
      ...(at === undefined ? {} : { at: intParam(at, 0, 0, Number.MAX_SAFE_INTEGER) }),
      ...(type === undefined || type === '' ? {} : { type }),
      ...(participant === undefined || participant === '' ? {} : { participant }),
      offset: intParam(c.req.query('offset'), 0, 0, Number.MAX_SAFE_INTEGER),
      limit: intParam(c.req.query('limit'), 100, 1, 500),
    });
    return c.json<MessagesResponse>(page);
  });

  app.get('/api/messages/:id', (c) => {
    const message = model.message(c.req.param('id'));
    return message === undefined ? fail(c, 404, 'no such message') : c.json(message);
  });
}

/** What is read from the store and the logs: memory search, an instance's notebook, its log (tail and live). */
function addStoreRoutes(app: Hono, options: DashboardAppOptions, limitedStream: StreamLimiter): void {
  const { store } = options;
  app.get('/api/memory', async (c) => {
    const query = (c.req.query('q') ?? '').trim();
    const limit = intParam(c.req.query('limit'), 50, 1, 200);
    const total = await store.countMemory();
    if (query === '') {
      const items = await store.listMemory({ order: 'recency', limit });
      return c.json<MemoryResponse>({ items, total });
    }
    try {
      const hits = await store.searchMemory(query.slice(0, 500), { limit });
      return c.json<MemoryResponse>({ items: hits.map((hit) => ({ ...hit.item, score: hit.relevance })), total });
    } catch (error) {
      if (StoreError.isInstance(error)) return fail(c, 400, error.message);
      throw error;
    }
  });

  app.get('/api/notebook/:id', async (c) => {
    const id = instanceIdSchema.safeParse(c.req.param('id'));
    if (!id.success) return fail(c, 400, 'not an instance id');
    return c.json<NotebookResponse>(notebookResponse(id.data, await store.getDocument(NOTEBOOK_NAMESPACE, id.data)));
  });

  app.get('/api/logs/:id', async (c) => {
    const id = instanceIdSchema.safeParse(c.req.param('id'));
    if (!id.success) return fail(c, 400, 'not an instance id');
    const lines = await readLogTail(options.logPath(id.data), intParam(c.req.query('tail'), 200, 1, 2000));
    return c.json<LogsResponse>({ lines });
  });

  app.get('/api/logs/:id/stream', (c) => {
    const id = instanceIdSchema.safeParse(c.req.param('id'));
    if (!id.success) return fail(c, 400, 'not an instance id');
    return limitedStream(c, async (stream) => {
      await new Promise<void>((resolve) => {
        const stop = watchLog(options.logPath(id.data), (lines) => {
          void stream.writeSSE({ event: 'lines', data: JSON.stringify(lines) });
        });
        stream.onAbort(() => {
          stop();
          resolve();
        });
      });
    });
  });
}

/** Live history over SSE: catch up from Last-Event-ID, then batches as they come; a client that stops reading is cut off. */
function addEventStream(app: Hono, { model, changes }: Pick<DashboardAppOptions, 'model' | 'changes'>, limitedStream: StreamLimiter): void {
  app.get('/api/events', (c) => {
    const lastEventId = c.req.header('last-event-id') ?? c.req.query('after');
    const after = intParam(lastEventId, model.liveSeq, 0, Number.MAX_SAFE_INTEGER);
    return limitedStream(c, async (stream) => {
      const frame = (events: HistoryEvent[]): { event: string; id: string; data: string } | null => {
        const last = events[events.length - 1];
        return last === undefined ? null : { event: 'batch', id: String(last.seq), data: JSON.stringify(events) };
      };
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ liveSeq: model.liveSeq }), retry: 1000 });
      // The listing as it is now: it may have changed since the page loaded its state (or while it reconnected).
      await stream.writeSSE({ event: 'changes', data: JSON.stringify(changes.current) });
      // Catch up from the client's last event (a reconnect), each frame written only once the last one was taken.
      let cursor = after;
      for (;;) {
        if (stream.aborted) return;
        const page = model.history(cursor, 400);
        const next = frame(page.events);
        if (next !== null) await stream.writeSSE(next);
        cursor = page.events[page.events.length - 1]?.seq ?? cursor;
        if (!page.more) break;
      }
      // Live batches are not awaited (they arrive on the model's clock): a client that stops reading while it
      // stays connected is cut off once too much waits for it, and its browser reconnects with Last-Event-ID.
      let waitingBytes = 0;
      const unsubscribe = model.subscribe((events) => {
        const fresh = events.filter((event) => event.seq > cursor);
        const next = frame(fresh);
        if (next === null || stream.aborted) return;
        cursor = fresh[fresh.length - 1]?.seq ?? cursor;
        if (waitingBytes > MAX_UNREAD_SSE_BYTES) {
          stream.abort();
          return;
        }
        waitingBytes += next.data.length;
        void stream.writeSSE(next).finally(() => {
          waitingBytes -= next.data.length;
        });
      });
      // Each new listing of the run's changes, whole (a run has tens of changes, not thousands).
      const stopChanges = changes.subscribe((listing) => {
        if (!stream.aborted) void stream.writeSSE({ event: 'changes', data: JSON.stringify(listing) });
      });
      const keepAlive = setInterval(() => void stream.writeSSE({ event: 'ping', data: '' }), 15_000);
      await untilAborted(stream);
      unsubscribe();
      stopChanges();
      clearInterval(keepAlive);
    });
  });
}

/** A message from the human to one instance or to all. */
function addSendRoute(app: Hono, store: DashboardAppOptions['store']): void {
  app.post('/api/send', bodyLimit({ maxSize: 128 * 1024, onError: (c) => fail(c, 413, 'message too large (the limit is 64 KiB of text)') }), async (c) => {
    const parsed = await readJsonBody(c, sendSchema, '{"to": "instance_1" | "broadcast", "text": "…"}');
    if (!parsed.ok) return fail(c, 400, parsed.error);
    const { to, text, type } = parsed.data;
    if (to !== 'broadcast' && (await store.getInstance(to).catch(() => null)) === null) return fail(c, 400, `unknown instance ${JSON.stringify(to)}`);
    try {
      const message = await store.publish({ from: 'human', to, type: type ?? 'question', content: text });
      return c.json(wireMessage(message));
    } catch (error) {
      if (StoreError.isInstance(error)) return fail(c, 400, error.message);
      throw error;
    }
  });
}

/** The dashboard's HTTP surface: the built UI, a JSON API, and live history over SSE. */
export function createDashboardApp(options: DashboardAppOptions): Hono {
  const app = new Hono();
  const limitedStream = streamLimiter();
  app.use('*', securityGuard(options));
  addAssetRoutes(app, options.assets);
  addHistoryRoutes(app, options);
  addStoreRoutes(app, options, limitedStream);
  addEventStream(app, options, limitedStream);
  addChangesRoutes(app, { feed: options.changes, store: options.store, runDirectory: options.run.runDirectory, workspace: options.run.workspace });
  addSendRoute(app, options.store);
  app.notFound((c) => fail(c, 404, 'not found'));
  return app;
}
