import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunningCollective, killCollective, makeWorkspace, turnRecords, waitFor } from './support/collective-harness.js';

const toolResultsSchema = z.array(z.looseObject({ tool: z.string(), ok: z.boolean(), error: z.string().optional() }));

/** One turn: a catastrophic pattern, a FIFO read, an ordinary grep, then a note to the human. */
const HOSTILE_SCRIPT = {
  version: 1,
  turns: [
    {
      calls: [
        { tool: 'grep', input: { pattern: '(a+)+$' } },
        { tool: 'grep', input: { pattern: '(x)\\1' } },
        { tool: 'read_files', input: { paths: ['pipe', 'notes.txt'] } },
        { tool: 'grep', input: { pattern: 'needle' } },
        { tool: 'send_message', input: { to: 'human', type: 'status', content: 'hostile turn finished' } },
      ],
    },
  ],
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('hostile workspace input', () => {
  it('a catastrophic grep pattern and a FIFO end the turn while heartbeats go on (no stale kill, no restart)', async () => {
    // staleMs is 6 heartbeats: a blocked event loop for 1.5 s would get the instance killed and its turn replayed.
    const { workspace, runDirectory, cleanup } = makeWorkspace(HOSTILE_SCRIPT, { heartbeatMs: 250, staleMs: 1500 });
    // A backtracking engine needs 2^n steps for (a+)+$ on n a's followed by something else; n is 200,000 here.
    writeFileSync(join(workspace, 'many-a.txt'), `${'a'.repeat(200_000)}!\n`);
    writeFileSync(join(workspace, 'notes.txt'), 'a needle in the notes\n');
    execFileSync('mkfifo', [join(workspace, 'pipe')]);
    const run = new RunningCollective(workspace, runDirectory, ['--instances', '1']);
    cleanups.push(async () => {
      await killCollective(run, runDirectory);
      cleanup();
    });
    const record = await waitFor('the hostile turn to be recorded', () => turnRecords(runDirectory, 'instance_1').find((turn) => turn.iteration === 0), 30_000);
    const results = toolResultsSchema.parse(record.tools);
    expect(results.map((result) => result.tool)).toEqual(['grep', 'grep', 'read_files', 'grep', 'send_message']);
    expect(results[0]?.ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, error: expect.stringContaining('invalid pattern') as unknown });
    expect(results.slice(2).every((result) => result.ok)).toBe(true);
    expect(run.events.filter((event) => event.type === 'instance_stale' || event.type === 'instance_exited')).toEqual([]);
    expect(run.events.filter((event) => event.type === 'instance_started')).toHaveLength(1);
    expect(turnRecords(runDirectory, 'instance_1').filter((turn) => turn.iteration === 0)).toHaveLength(1);
  });
});
