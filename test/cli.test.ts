import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSqliteStore } from '../src/store/index.js';
import { cli } from './support/collective-harness.js';

let runDirectory = '';

beforeAll(async () => {
  runDirectory = mkdtempSync(join(tmpdir(), 'tachikoma-cli-'));
  const store = createSqliteStore(join(runDirectory, 'collective.db'));
  await store.register({ id: 'instance_1', role: 'explorer' });
  await store.register({ id: 'instance_2', role: 'builder' });
  await store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'src/store has no README' });
  const task = await store.createTask({ title: 'audit src/store', createdBy: 'orchestrator' });
  await store.claimTask(task.id, 'instance_1', { leaseMs: 60_000 });
  await store.completeTask(task.id, 'instance_1', { result: 'two findings', evidence: ['src/store/index.ts:1'] });
  await store.createTask({ title: 'write the report', requiredRole: 'builder', createdBy: 'orchestrator' });
  await store.remember({ kind: 'finding', content: 'The store module lacks tests for migrations', tags: ['tests'], importance: 0.7, author: 'instance_1' });
  await store.close();
  mkdirSync(join(runDirectory, 'logs'));
  writeFileSync(
    join(runDirectory, 'logs', 'instance_1.log'),
    `${JSON.stringify({ level: 30, time: '2026-01-01T00:00:01.000Z', instance: 'instance_1', msg: 'first line' })}\n${JSON.stringify({ level: 30, time: '2026-01-01T00:00:02.000Z', instance: 'instance_1', msg: 'second line' })}\n`,
  );
});

afterAll(() => rmSync(runDirectory, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

describe('read commands', () => {
  it('status --json describes the run', async () => {
    const result = await cli(['status', '--json', '--run-dir', runDirectory]);
    expect(result.status, result.stderr).toBe(0);
    const status = z.looseObject({ messages: z.number(), memory: z.number(), tasks: z.record(z.string(), z.number()), instances: z.array(z.looseObject({ id: z.string() })) }).parse(JSON.parse(result.stdout));
    expect(status.messages).toBe(1);
    expect(status.memory).toBe(1);
    expect(status.tasks).toMatchObject({ open: 1, done: 1 });
    expect(status.instances.map((record) => record.id)).toEqual(['instance_1', 'instance_2']);
  });

  it('tasks --json lists the board and filters by state', async () => {
    const all = await cli(['tasks', '--json', '--run-dir', runDirectory]);
    expect(z.array(z.looseObject({ title: z.string() })).parse(JSON.parse(all.stdout)).map((task) => task.title)).toEqual(['audit src/store', 'write the report']);
    const done = await cli(['tasks', '--json', '--state', 'done', '--run-dir', runDirectory]);
    expect(z.array(z.looseObject({ evidence: z.array(z.string()) })).parse(JSON.parse(done.stdout))[0]?.evidence).toEqual(['src/store/index.ts:1']);
    const text = await cli(['tasks', '--run-dir', runDirectory]);
    expect(text.stdout).toContain('write the report');
    const bad = await cli(['tasks', '--state', 'lost', '--run-dir', runDirectory]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--state must be one of/);
  });

  it('memory search finds by words, with --json too', async () => {
    const json = await cli(['memory', 'search', 'migrations', 'tests', '--json', '--run-dir', runDirectory]);
    const hits = z.array(z.looseObject({ item: z.looseObject({ content: z.string() }) })).parse(JSON.parse(json.stdout));
    expect(hits.map((hit) => hit.item.content)).toEqual(['The store module lacks tests for migrations']);
    const text = await cli(['memory', 'search', 'nothing-like-this', '--run-dir', runDirectory]);
    expect(text.stdout.trim()).toBe('no memory matches');
  });

  it('logs prints an instance log, pretty or raw', async () => {
    const raw = await cli(['logs', 'instance_1', '--json', '--run-dir', runDirectory]);
    expect(raw.stdout.trim().split('\n').map((line) => z.looseObject({ msg: z.string() }).parse(JSON.parse(line)).msg)).toEqual(['first line', 'second line']);
    const pretty = await cli(['logs', '--lines', '1', '--run-dir', runDirectory]);
    expect(pretty.stdout).toContain('second line');
    expect(pretty.stdout).not.toContain('first line');
    const unknown = await cli(['logs', 'instance_7', '--run-dir', runDirectory]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown instance "instance_7"/);
  });

  it('export writes the whole run as one JSON document', async () => {
    const out = join(runDirectory, 'export.json');
    const result = await cli(['export', '--out', out, '--run-dir', runDirectory]);
    expect(result.status, result.stderr).toBe(0);
    const { readFileSync } = await import('node:fs');
    const exported = z.looseObject({ instances: z.array(z.unknown()), tasks: z.array(z.unknown()), messages: z.array(z.unknown()), history: z.array(z.looseObject({ kind: z.string() })), memory: z.array(z.unknown()) }).parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(exported.instances).toHaveLength(2);
    expect(exported.tasks).toHaveLength(2);
    expect(exported.messages).toHaveLength(1);
    expect(exported.memory).toHaveLength(1);
    expect(exported.history.map((event) => event.kind)).toEqual(['instance', 'instance', 'message', 'task', 'task', 'task', 'task', 'memory']);
  });
});

describe('bad invocations', () => {
  it('a missing run directory, an unknown flag and an unknown command are one clear line and a non-zero exit', async () => {
    const missing = await cli(['status', '--run-dir', join(runDirectory, 'nope')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/no run in/);
    const flag = await cli(['status', '--frobnicate', '--run-dir', runDirectory]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/unknown option '--frobnicate'/);
    const command = await cli(['fly']);
    expect(command.status).toBe(2);
    const instances = await cli(['run', '--instances', '40', '--brain', 'scripted', '--run-dir', join(runDirectory, 'other')]);
    expect(instances.status).toBe(1);
    expect(instances.stderr).toMatch(/--instances must be a whole number from 1 to 32/);
  });

  it('send refuses an unknown instance and empty text', async () => {
    const unknown = await cli(['send', '--to', 'instance_5', 'hi', '--run-dir', runDirectory]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown instance "instance_5"; this run has instance_1, instance_2/);
    const empty = await cli(['send', '--to', 'instance_1', ' ', '--run-dir', runDirectory]);
    expect(empty.status).toBe(1);
  });
});
