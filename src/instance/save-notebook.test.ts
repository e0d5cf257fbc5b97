import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Brain, TurnContext, TurnOutcome } from '../brain/brain.js';
import { type Notebook, emptyNotebook } from '../brain/notebook.js';
import { createSqliteStore } from '../store/index.js';
import { runInstance } from './run-instance.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A brain whose first notebook is fine, whose second is too large to store, and which records what it was given. */
function notebookBrain(seen: unknown[]): Brain {
  let turn = 0;
  return {
    name: 'notebook-test',
    turn(context: TurnContext): Promise<TurnOutcome> {
      seen.push(context.notebook);
      turn += 1;
      const notebook: Notebook = { ...emptyNotebook(), summary: turn === 1 ? ['first'] : ['x'.repeat(1_100_000)] };
      return Promise.resolve({ summary: `turn ${turn}`, idle: false, nextTurnInMs: turn >= 3 ? 60_000 : 0, notebook });
    },
  };
}

describe('the notebook at the checkpoint', () => {
  it('is saved in the store and offered to the next turn; one the store refuses is skipped and the instance goes on', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tachikoma-save-notebook-'));
    mkdirSync(join(root, 'workspace'));
    const store = createSqliteStore(join(root, 'collective.db'));
    cleanups.push(async () => {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    });
    await store.register({ id: 'instance_1', role: 'explorer' });
    const seen: unknown[] = [];
    const stop = new AbortController();
    const life = runInstance({
      id: 'instance_1', role: 'explorer', goal: 'g', workspace: join(root, 'workspace'), runDirectory: root, store, brain: notebookBrain(seen),
      logger: pino({ level: 'silent' }), stateFile: join(root, 'state.json'), stop: stop.signal, heartbeatMs: 60_000,
    });
    cleanups.push(async () => {
      stop.abort();
      await life;
    });
    for (const deadline = Date.now() + 15_000; seen.length < 3 && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen[0]).toBeNull();
    expect(seen[1]).toMatchObject({ summary: ['first'] });
    // The refused second notebook left the first one in place.
    expect(seen[2]).toMatchObject({ summary: ['first'] });
    expect((await store.getInstance('instance_1'))?.iteration).toBeGreaterThanOrEqual(2);
  });
});
