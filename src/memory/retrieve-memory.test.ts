import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryError } from './memory-error.js';
import { type TestStore, finding, openTestStore } from '../../test/support/memory-test-store.js';
import { DEFAULT_HALF_LIFE_MS, retrieveMemory } from './retrieve-memory.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;

describe('retrieveMemory', () => {
  let test: TestStore;
  beforeEach(() => {
    test = openTestStore();
  });
  afterEach(async () => {
    await test.destroy();
  });

  it('puts the relevant memory first, ahead of fresher and more important unrelated ones', async () => {
    const { store } = test;
    await store.remember(finding('SQL injection in src/api/users.ts: getUser concatenates req.query.id into the query.', NOW, { ageMs: 5 * DAY, importance: 0.3 }));
    await store.remember(finding('Dashboard colours look fine after the redesign.', NOW, { importance: 1 }));
    await store.remember(finding('Timeout missing on the payment call in src/billing/invoice.ts.', NOW, { importance: 0.9 }));
    const results = await retrieveMemory(store, { query: 'is there SQL injection in src/api/users.ts?', now: NOW });
    expect(results[0]?.item.content).toContain('SQL injection');
    expect(results[0]?.relevance).toBe(1);
  });

  it('ranks by each component alone when only its weight is set', async () => {
    const { store } = test;
    const old = await store.remember(finding('Race condition in the job queue worker: counters updated without a lock.', NOW, { ageMs: 3 * DAY, importance: 0.9 }));
    const fresh = await store.remember(finding('Race condition suspected in the cache refresh.', NOW, { ageMs: 0, importance: 0.2 }));
    const relevant = await store.remember(finding('Race condition: race in race-prone race handler.', NOW, { ageMs: 6 * DAY, importance: 0.5 }));
    const query = 'race condition';
    const byRecency = await retrieveMemory(store, { query, now: NOW, weights: { recency: 1, importance: 0, relevance: 0 } });
    expect(byRecency.map((memory) => memory.item.id)).toEqual([fresh.id, old.id, relevant.id]);
    const byImportance = await retrieveMemory(store, { query, now: NOW, weights: { recency: 0, importance: 1, relevance: 0 } });
    expect(byImportance.map((memory) => memory.item.id)).toEqual([old.id, relevant.id, fresh.id]);
    const byRelevance = await retrieveMemory(store, { query, now: NOW, weights: { recency: 0, importance: 0, relevance: 1 } });
    expect(byRelevance[0]?.item.id).toBe(relevant.id);
  });

  it('reports recency as exponential decay and importance as stored', async () => {
    const { store } = test;
    await store.remember(finding('Unbounded pagination in the export endpoint.', NOW, { ageMs: DEFAULT_HALF_LIFE_MS, importance: 0.42 }));
    const [memory] = await retrieveMemory(store, { query: 'pagination export', now: NOW });
    expect(memory?.recency).toBeCloseTo(0.5, 6);
    expect(memory?.importance).toBe(0.42);
    const [twoHalfLives] = await retrieveMemory(store, { query: 'pagination export', now: NOW + DEFAULT_HALF_LIFE_MS });
    expect(twoHalfLives?.recency).toBeCloseTo(0.25, 6);
  });

  it('brings in the most recent and most important memories even when nothing matches the words', async () => {
    const { store } = test;
    const important = await store.remember(finding('Release is blocked until the audit is signed off.', NOW, { ageMs: 20 * DAY, importance: 1 }));
    const recent = await store.remember(finding('Started on the billing module.', NOW, { importance: 0.1 }));
    const results = await retrieveMemory(store, { query: 'kubernetes helm chart', now: NOW });
    expect(results.map((memory) => memory.item.id).sort()).toEqual([important.id, recent.id].sort());
    expect(results.every((memory) => memory.relevance === 0)).toBe(true);
  });

  it('prefers the memory about the file asked for, even when it names the file without its path', async () => {
    const { store } = test;
    await store.remember(finding('SQL injection in src/db/orders.ts: listOrders pastes the sort column into SQL.', NOW));
    await store.remember(finding('SQL injection in src/api/orders-service.ts: the order query concatenates input.', NOW));
    const target = await store.remember(finding('users.ts interpolates user input straight into a database query; an attacker can inject SQL.', NOW));
    const results = await retrieveMemory(store, { query: 'SQL injection in src/api/users.ts', now: NOW });
    expect(results[0]?.item.id).toBe(target.id);
  });

  it('keeps one of near-identical memories, and only the kinds asked for', async () => {
    const { store } = test;
    await store.remember(finding('Hard-coded API key in src/config.ts line 12.', NOW));
    await store.remember(finding('Hard-coded API key in src/config.ts, line 12!', NOW));
    await store.remember({ ...finding('Decision: move the API key in src/config.ts to the vault.', NOW), kind: 'decision' });
    const all = await retrieveMemory(store, { query: 'API key src/config.ts', now: NOW });
    expect(all).toHaveLength(2);
    const decisions = await retrieveMemory(store, { query: 'API key src/config.ts', now: NOW, kinds: ['decision'] });
    expect(decisions.map((memory) => memory.item.kind)).toEqual(['decision']);
  });

  it('returns at most `limit` memories, best first', async () => {
    const { store } = test;
    for (let index = 0; index < 15; index += 1) await store.remember(finding(`Missing timeout number ${index} in worker${index}.ts`, NOW, { ageMs: index * 1000 }));
    const results = await retrieveMemory(store, { query: 'missing timeout', now: NOW, limit: 5 });
    expect(results).toHaveLength(5);
    const scores = results.map((memory) => memory.score);
    expect([...scores].sort((left, right) => right - left)).toEqual(scores);
  });

  it('treats hostile query text as words and leaves the store intact', async () => {
    const { store } = test;
    await store.remember(finding('Path traversal in src/files/download.ts via ../ segments.', NOW));
    const hostile = [
      '',
      '   ',
      '"; DROP TABLE memory; --',
      'NEAR(traversal download) OR * AND NOT "',
      'memory_fts MATCH \'*\'',
      '^traversal* {content}: "unterminated',
      'src/../../etc/passwd\u0000',
      '🙂 ∑ traversal ｄｏｗｎｌｏａｄ',
      'the of and to a in',
      'a_b_c_d_e_f_g_h_i_j_k_l.ts x.y.z.w.v.u.t.s.r.q.p',
      'x'.repeat(1_000_000),
      'word '.repeat(50_000),
    ];
    for (const query of hostile) {
      const results = await retrieveMemory(store, { query, now: NOW });
      expect(results.length).toBeLessThanOrEqual(10);
    }
    const [hit] = await retrieveMemory(store, { query: 'traversal" OR "1"="1', now: NOW });
    expect(hit?.item.content).toContain('Path traversal');
    expect(await store.countMemory()).toBe(1);
  });

  it('rejects bad options with MemoryError', async () => {
    const { store } = test;
    const bad = [
      { query: 'x', limit: 0 },
      { query: 'x', limit: 101 },
      { query: 'x', limit: 2.5 },
      { query: 'x', candidatePool: 5, limit: 10 },
      { query: 'x', halfLifeMs: 0 },
      { query: 'x', now: Number.NaN },
      { query: 'x', weights: { recency: -1, importance: 0, relevance: 1 } },
      { query: 'x', weights: { recency: 0, importance: Number.POSITIVE_INFINITY, relevance: 1 } },
    ];
    for (const options of bad) {
      const error: unknown = await retrieveMemory(store, options).catch((caught: unknown) => caught);
      expect(MemoryError.isInstance(error), JSON.stringify(options)).toBe(true);
    }
  });
});
