import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../src/store/index.js';
import { CLI, cli } from './support/collective-harness.js';

let runDirectory = '';

beforeAll(async () => {
  runDirectory = mkdtempSync(join(tmpdir(), 'tachikoma-dashboard-cli-'));
  const store = createSqliteStore(join(runDirectory, 'collective.db'));
  await store.register({ id: 'instance_1', role: 'explorer' });
  for (let index = 0; index < 25; index += 1) await store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: `finding ${index}` });
  await store.close();
});

afterAll(() => rmSync(runDirectory, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

describe('tachikoma dashboard', () => {
  it('serves a finished run on loopback, answers its API, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'dashboard', '--json', '--run-dir', runDirectory, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout });
    const first = (await once(lines, 'line')) as [string];
    const printed = JSON.parse(first[0]) as { type: string; url: string };
    expect(printed.type).toBe('dashboard');
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const state = (await (await fetch(`${printed.url}api/state`)).json()) as { view: { messages: { count: number } }; liveSeq: number };
    expect(state.view.messages.count).toBe(25);
    const page = await fetch(printed.url);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    expect((await fetch(`${printed.url}app.js`)).headers.get('content-type')).toContain('javascript');
    const earlier = (await (await fetch(`${printed.url}api/state?at=11`)).json()) as { view: { messages: { count: number } } };
    expect(earlier.view.messages.count).toBe(10);
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a bad port and a missing run with one clear line', async () => {
    const badPort = await cli(['dashboard', '--run-dir', runDirectory, '--port', '99999']);
    expect(badPort.status).not.toBe(0);
    expect(badPort.stderr.trim()).toBe('tachikoma: --port takes a port number from 0 to 65535, got "99999"');
    const missing = await cli(['dashboard', '--run-dir', join(runDirectory, 'nope')]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no run in');
  });
});
