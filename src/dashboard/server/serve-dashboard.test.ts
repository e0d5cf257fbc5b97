import { mkdtempSync, mkdirSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CollectiveStore, createSqliteStore } from '../../store/index.js';
import type { NotebookResponse, RunInfo } from '../view-model/wire.js';
import { type DashboardServer, startDashboard } from './serve-dashboard.js';

let folder: string;
let store: CollectiveStore;
const servers: DashboardServer[] = [];
const run: RunInfo = { goal: 'test goal', workspace: null, runDirectory: '/tmp/x', store: 'sqlite', budgets: null };
const assets = { html: '<!doctype html><title>t</title><div id="app"></div>', js: 'export {};', css: 'body{}' };

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tachikoma-dashboard-http-'));
  mkdirSync(join(folder, 'logs'));
  store = createSqliteStore(join(folder, 'collective.db'));
  await store.register({ id: 'instance_1', role: 'explorer' });
  await store.register({ id: 'instance_2', role: 'builder' });
});

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

async function serve(options: { host?: string; token?: string } = {}): Promise<{ server: DashboardServer; base: string }> {
  const server = await startDashboard({ store, run, assets, port: 0, logPath: (id) => join(folder, 'logs', `${id}.log`), model: { batchMs: 30 }, ...options });
  servers.push(server);
  return { server, base: `http://127.0.0.1:${server.port}` };
}

function post(base: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/send`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Reads an SSE stream until `until` says stop; returns the parsed frames. */
async function readSse(response: Response, until: (frames: Array<{ event: string; id?: string; data: string }>) => boolean): Promise<Array<{ event: string; id?: string; data: string }>> {
  const reader = response.body?.getReader();
  if (reader === undefined) throw new Error('no body');
  const decoder = new TextDecoder();
  const frames: Array<{ event: string; id?: string; data: string }> = [];
  let buffer = '';
  const deadline = Date.now() + 10_000;
  while (!until(frames)) {
    if (Date.now() > deadline) throw new Error(`SSE: timed out with ${frames.length} frames: ${JSON.stringify(frames).slice(0, 400)}`);
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame: { event: string; id?: string; data: string } = { event: 'message', data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) frame.event = line.slice(7);
        else if (line.startsWith('id: ')) frame.id = line.slice(4);
        else if (line.startsWith('data: ')) frame.data += line.slice(6);
      }
      frames.push(frame);
    }
  }
  await reader.cancel();
  return frames;
}

describe('the dashboard server', () => {
  it('serves the UI with a strict content security policy and the state as JSON', async () => {
    const { base } = await serve();
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const state = (await (await fetch(`${base}/api/state`)).json()) as { view: { instances: Record<string, unknown> }; run: RunInfo };
    expect(Object.keys(state.view.instances).sort()).toEqual(['instance_1', 'instance_2']);
    expect(state.run.goal).toBe('test goal');
    expect((await fetch(`${base}/api/nothing`)).status).toBe(404);
  });

  it('accepts a message from its own page and refuses cross-origin, origin-less, malformed, unknown and oversized ones', async () => {
    const { base } = await serve();
    const sent = await post(base, { to: 'instance_2', text: 'hello <b>there</b>' });
    expect(sent.status).toBe(200);
    const message = (await sent.json()) as { id: string; from: string; to: string; content: string };
    expect(message).toMatchObject({ from: 'human', to: 'instance_2', content: 'hello <b>there</b>' });
    expect((await store.readMessages({ audience: { instance: 'instance_2' }, after: 0 })).map((row) => row.id)).toEqual([message.id]);

    expect((await post(base, { to: 'instance_2', text: 'x' }, { origin: 'http://evil.example' })).status).toBe(403);
    const noOrigin = await fetch(`${base}/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'broadcast', text: 'x' }) });
    expect(noOrigin.status).toBe(403);
    const badJson = await post(base, '{not json');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: string }).error).toContain('JSON');
    const unknown = await post(base, { to: 'instance_9', text: 'x' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toContain('unknown instance "instance_9"');
    expect((await post(base, { to: 'broadcast', text: '' })).status).toBe(400);
    expect((await post(base, { to: 'broadcast', text: 'x', extra: 1 })).status).toBe(400);
    expect((await post(base, { to: 'broadcast', text: 'x'.repeat(200_000) })).status).toBe(413);
    expect((await post(base, { to: 'broadcast', text: 'a\u0000b' })).status).toBe(400);
    // Nothing but the one good message landed.
    expect(await store.lastMessageSeq()).toBe(1);
  });

  it('refuses a request whose Host is not this loopback server (DNS rebinding)', async () => {
    const { server } = await serve();
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/state', headers: { host: `attacker.example:${server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('beyond loopback, needs its token on every request (header, cookie or query) and prints it once in the URL', async () => {
    // 127.0.0.2 is still this machine, but not the default address: the server treats it as "elsewhere".
    const { server } = await serve({ host: '127.0.0.2', token: 'secret-token-123' });
    const base = `http://127.0.0.2:${server.port}`;
    expect(server.token).toBe('secret-token-123');
    expect(server.url).toContain('?token=secret-token-123');
    expect((await fetch(`${base}/api/state`)).status).toBe(403);
    expect((await fetch(`${base}/api/state`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
    expect((await fetch(`${base}/api/state`, { headers: { authorization: 'Bearer secret-token-123' } })).status).toBe(200);
    const page = await fetch(`${base}/?token=secret-token-123`);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toContain('HttpOnly');
    expect((await fetch(`${base}/api/state`, { headers: { cookie: cookie.split(';')[0] ?? '' } })).status).toBe(200);
    const generated = await serve({ host: '127.0.0.2' });
    expect(generated.server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('beyond loopback, answers a mangled token cookie or a wrong token with a plain 403 carrying the security headers', async () => {
    const { server } = await serve({ host: '127.0.0.2', token: 'secret-token-123' });
    const base = `http://127.0.0.2:${server.port}`;
    for (const headers of [{ cookie: 'tachikoma_token=%E0%A4%A' }, { cookie: 'other=%zz; tachikoma_token=%' }, {}]) {
      const response = await fetch(`${base}/api/state`, { headers });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: string }).error).toContain('token');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('streams history over SSE in batches and resumes after the Last-Event-ID', async () => {
    const { base } = await serve();
    const response = await fetch(`${base}/api/events?after=0`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const publishing = (async () => {
      await new Promise((done) => setTimeout(done, 100));
      for (let wave = 0; wave < 3; wave += 1) {
        await Promise.all(Array.from({ length: 100 }, (_, index) => store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: `f${wave}/${index}` })));
        await new Promise((done) => setTimeout(done, 120));
      }
    })();
    const count = (frames: Array<{ event: string; data: string }>): number => frames.filter((frame) => frame.event === 'batch').reduce((sum, frame) => sum + (JSON.parse(frame.data) as unknown[]).length, 0);
    const frames = await readSse(response, (got) => count(got) >= 302);
    await publishing;
    const batches = frames.filter((frame) => frame.event === 'batch');
    expect(count(frames)).toBe(302); // 2 registrations + 300 messages
    expect(batches.length).toBeLessThan(60);
    expect(batches.length).toBeGreaterThan(1);
    const lastSeen = Number(batches[batches.length - 2]?.id);
    expect(lastSeen).toBeLessThan(302);
    const resumed = await fetch(`${base}/api/events`, { headers: { 'last-event-id': String(lastSeen) } });
    const replayed = await readSse(resumed, (got) => got.filter((frame) => frame.event === 'batch').flatMap((frame) => JSON.parse(frame.data) as Array<{ seq: number }>).some((event) => event.seq === 302));
    const seqs = replayed.filter((frame) => frame.event === 'batch').flatMap((frame) => (JSON.parse(frame.data) as Array<{ seq: number }>).map((event) => event.seq));
    expect(seqs[0]).toBe(lastSeen + 1);
    expect(seqs).toEqual(Array.from({ length: 302 - lastSeen }, (_, index) => lastSeen + 1 + index));
  });

  it('holds at most 64 live streams at once, answers 503 beyond that, and frees a slot when a client leaves', async () => {
    const { base } = await serve();
    const open = await Promise.all(Array.from({ length: 64 }, (_, index) => fetch(index % 2 === 0 ? `${base}/api/events` : `${base}/api/logs/instance_1/stream`)));
    expect(open.map((response) => response.status)).toEqual(Array.from({ length: 64 }, () => 200));
    const refused = await fetch(`${base}/api/events`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toMatch(/too many/);
    expect((await fetch(`${base}/api/logs/instance_2/stream`)).status).toBe(503);
    expect((await fetch(`${base}/api/state`)).status).toBe(200);
    await open[0]?.body?.cancel();
    let again = 503;
    const deadline = Date.now() + 5000;
    while (again === 503 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 50));
      const response = await fetch(`${base}/api/events`);
      again = response.status;
      await response.body?.cancel();
    }
    expect(again).toBe(200);
    for (const response of open.slice(1)) await response.body?.cancel();
  });

  it('serves an instance log tail and streams appended lines; refuses a path-like instance id', async () => {
    const { base } = await serve();
    const log = join(folder, 'logs', 'instance_1.log');
    appendFileSync(log, `${JSON.stringify({ level: 30, msg: 'one' })}\n${JSON.stringify({ level: 30, msg: 'two' })}\n`);
    const tail = (await (await fetch(`${base}/api/logs/instance_1?tail=1`)).json()) as { lines: string[] };
    expect(tail.lines).toEqual([JSON.stringify({ level: 30, msg: 'two' })]);
    expect((await fetch(`${base}/api/logs/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
    const stream = await fetch(`${base}/api/logs/instance_1/stream`);
    // The stream follows from the size it first sees: a line written until one arrives says it has started; only
    // then is 'three' appended, and it must come as a streamed line.
    const probe = `${JSON.stringify({ level: 30, msg: 'probe' })}\n`;
    const three = JSON.stringify({ level: 40, msg: 'three' });
    const probing = setInterval(() => appendFileSync(log, probe), 50);
    let appended = false;
    const streamedLines = (frames: Array<{ event: string; data: string }>): string[] => frames.filter((frame) => frame.event === 'lines').flatMap((frame) => JSON.parse(frame.data) as string[]);
    const frames = await readSse(stream, (got) => {
      if (!appended && streamedLines(got).length > 0) {
        clearInterval(probing);
        appendFileSync(log, `${three}\n`);
        appended = true;
      }
      return streamedLines(got).includes(three);
    }).finally(() => clearInterval(probing));
    expect(streamedLines(frames).filter((line) => line !== probe.trim())).toEqual([three]);
  });

  it('serves an instance notebook from the store, results cut for display; an empty one before the first turn; refuses a path-like id', async () => {
    const { base } = await serve();
    const empty = (await (await fetch(`${base}/api/notebook/instance_2`)).json()) as NotebookResponse;
    expect(empty).toEqual({ instance: 'instance_2', updatedAt: null, compactedTurns: 0, summary: [], turns: [] });
    await store.putDocument('notebook', 'instance_1', {
      version: 1, summary: ['Turn 1 (no new messages): read_files(paths: [src/a.ts]) → ok'], compactedTurns: 1, voted: [], learned: [],
      turns: [{ iteration: 1, at: '2026-01-01T00:00:00.000Z', cue: '1 new message(s)', steps: [[
        { kind: 'text', text: 'Reading b.' },
        { kind: 'call', id: 't1s0c0', tool: 'read_files', input: { paths: ['src/b.ts'] }, ok: true, result: `{"ok":true,"data":"${'z'.repeat(5000)}"}` },
      ]] }],
    });
    const notebook = (await (await fetch(`${base}/api/notebook/instance_1`)).json()) as NotebookResponse;
    expect(notebook).toMatchObject({ instance: 'instance_1', compactedTurns: 1, summary: ['Turn 1 (no new messages): read_files(paths: [src/a.ts]) → ok'] });
    expect(notebook.updatedAt).toEqual(expect.any(String));
    const [text, call] = notebook.turns[0]?.entries ?? [];
    expect(text).toEqual({ kind: 'text', text: 'Reading b.' });
    expect(call).toMatchObject({ kind: 'call', tool: 'read_files', input: '{"paths":["src/b.ts"]}', ok: true });
    expect(call?.kind === 'call' ? call.result : '').toMatch(/… \(5021 characters\)$/);
    expect((await fetch(`${base}/api/notebook/..%2Fx`)).status).toBe(400);
  });
});
