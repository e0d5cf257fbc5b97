import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPaths } from '../core/run-paths.js';
import { createSqliteStore } from '../store/index.js';
import { collectRunFacts, readsPerFileFromCoverage } from './collect-run-facts.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tachikoma-facts-'));
  folders.push(folder);
  return folder;
}

describe('collectRunFacts', () => {
  it('reads findings with their evidence, usage, and claims lost to expired leases', async () => {
    const runDirectory = scratch();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = createSqliteStore(runPaths(runDirectory).store, { clock: () => now });
    await store.register({ id: 'instance_1', role: 'explorer', metadata: { usage: { turns: 2, inputTokens: 50, outputTokens: 5, costUsd: 0.01, wallSeconds: 1, modelCalls: 3, cacheReadTokens: 20 } } });
    await store.register({ id: 'instance_2', role: 'builder' });
    await store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'quote not escaped', metadata: { evidence: ['/ws/index.js:55'] } });
    await store.publish({ from: 'instance_2', to: 'broadcast', type: 'finding', content: 'see lib/a.js:3-4 for it', metadata: {} });
    await store.publish({ from: 'instance_2', to: 'broadcast', type: 'finding', content: 'theme', metadata: { kind: 'synthesis' } });
    const first = await store.createTask({ title: 'audit', createdBy: 'orchestrator' });
    await store.claimTask(first.id, 'instance_1', { leaseMs: 1000 });
    now += 5000;
    await store.reofferExpired();
    const second = await store.createTask({ title: 'cross', createdBy: 'orchestrator' });
    await store.claimTask(second.id, 'instance_1', { leaseMs: 1000 });
    now += 5000;
    await store.claimTask(second.id, 'instance_2', { leaseMs: 1000 });
    await store.close();

    const facts = await collectRunFacts(runDirectory, '/ws', 'run/');
    expect(facts.findings.map((finding) => [finding.author, finding.locations])).toEqual([
      ['run/instance_1', [{ path: 'index.js', startLine: 55, endLine: 55 }]],
      ['run/instance_2', [{ path: 'lib/a.js', startLine: 3, endLine: 4 }]],
    ]);
    expect(facts.usage).toMatchObject({ turns: 2, inputTokens: 50, modelCalls: 3, cacheReadTokens: 20 });
    expect(facts.claimsLost).toBe(2);
  });
});

describe('readsPerFileFromCoverage', () => {
  it('counts whole-file reads per file from the coverage map, every instance\'s reads, not spot checks or searches', async () => {
    const store = createSqliteStore(join(scratch(), 'collective.db'));
    try {
      for (const id of ['instance_1', 'instance_2']) await store.register({ id, role: 'explorer' });
      await store.recordCoverage('instance_1', ['index.js', 'lib/a.js', 'lib/b.js:10-20'], 'read_files');
      await store.recordCoverage('instance_1', ['index.js'], 'read_files');
      await store.recordCoverage('instance_2', ['/ws/index.js'], 'read_files');
      await store.recordCoverage('instance_2', ['grep TODO in .'], 'grep');
      expect(await readsPerFileFromCoverage(store, '/ws')).toEqual({ 'index.js': 3, 'lib/a.js': 1 });
    } finally {
      await store.close();
    }
  });
});
