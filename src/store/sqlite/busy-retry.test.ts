import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'libsql';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createSqliteStore } from './create-sqlite-store.js';

/** The built store (`npm test` builds first), for a writer in another process. */
const BUILT_STORE = pathToFileURL(resolve(import.meta.dirname, '../../../dist/src/store/index.js')).href;

/** Another connection that takes the write lock and keeps it until `release()`. */
function holdWriteLock(path: string): { release(): void } {
  const db = new Database(path);
  db.exec('BEGIN IMMEDIATE');
  db.exec("INSERT INTO cursors (consumer, seq, updated_at) VALUES ('holder', 1, '2026-01-01T00:00:00.000Z') ON CONFLICT (consumer) DO NOTHING");
  return {
    release() {
      db.exec('COMMIT');
      db.close();
    },
  };
}

describe('SQLite writes while another process holds the write lock', () => {
  let folder: string;
  let path: string;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'busy-retry-'));
    path = join(folder, 'collective.db');
    await createSqliteStore(path).close();
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  test('wait for the lock by the wall clock even when signals keep cutting the sleeps short (a profiler)', async () => {
    // The writer runs under --cpu-prof: a SIGPROF every 100 µs. SQLite's own busy timeout (10 s) counts the
    // sleeps it asked for, so there it ran out after ~20 ms and the write failed with "database is locked".
    const holder = holdWriteLock(path);
    const script = `import { createSqliteStore } from ${JSON.stringify(BUILT_STORE)};
const store = createSqliteStore(${JSON.stringify(path)});
const started = Date.now();
try {
  await store.register({ id: 'instance_1', role: 'explorer', pid: process.pid });
  await store.heartbeat('instance_1', { status: 'idle' });
  await store.heartbeat('instance_1');
  await store.saveCursor('inbox:instance_1', 0);
  console.log(JSON.stringify({ ok: true, waitedMs: Date.now() - started }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, waitedMs: Date.now() - started, error: error.message }));
}
await store.close();`;
    const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', join(folder, 'profiles'), '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const closed = new Promise<number | null>((done) => child.on('close', done));
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    await new Promise((done) => setTimeout(done, 1200));
    holder.release();
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await closed;
    clearTimeout(killer);
    expect(output).toContain('"ok":true');
    expect(errors).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(output.trim()) as { ok: boolean; waitedMs: number; error?: string };
    expect(result).toMatchObject({ ok: true });
    expect(result.waitedMs).toBeGreaterThan(500);
  });

  test('gives up with "database is locked" once the busy timeout has passed, and loses nothing else', async () => {
    const store = createSqliteStore(path, { busyTimeoutMs: 300 });
    await store.register({ id: 'instance_1', role: 'explorer', pid: 1 });
    const holder = holdWriteLock(path);
    const started = Date.now();
    await expect(store.register({ id: 'instance_2', role: 'builder', pid: 2 })).rejects.toThrow(/database is locked/);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(5000);
    holder.release();
    await store.register({ id: 'instance_2', role: 'builder', pid: 2 });
    expect((await store.listInstances()).map((record) => record.id)).toEqual(['instance_1', 'instance_2']);
    await store.close();
  });
});
