import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readChanges } from '../src/workspace/change-ledger.js';
import { RunningCollective, alive, cli, killCollective, openRunStore, waitFor } from './support/collective-harness.js';
import { checkoutSnapshot, gitIn, makeGitWorkspace } from './support/git-workspace.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A builder that, told "start building" by the human, claims its task, edits one file and completes the task. */
function builder(taskId: string, path: string, text: string): unknown {
  return {
    inline: {
      version: 1,
      onMessage: [{
        match: { from: 'human', contentIncludes: 'start building' },
        calls: [
          { tool: 'claim_task', input: { taskId } },
          { tool: 'write_file', input: { path, content: text } },
          { tool: 'complete_task', input: { taskId, result: `done ${taskId}`, evidence: [`${path}:1`] } },
        ],
      }],
    },
  };
}

/** A reviewer voting "merge" on the given changes: at once on each proposal, or (`onHuman`) when the human says so. */
function reviewer(taskIds: readonly string[], onHuman: boolean): unknown {
  const vote = (taskId: string) => ({ tool: 'vote', input: { proposalId: `merge_${taskId}`, option: 'merge', reason: `review of ${taskId}: fine` } });
  return {
    inline: {
      version: 1,
      onMessage: onHuman
        ? [{ match: { from: 'human' }, calls: taskIds.map(vote) }]
        : taskIds.map((taskId) => ({ match: { type: 'proposal', contentIncludes: `changes/${taskId}?` }, calls: [vote(taskId)] })),
    },
  };
}

describe('the human vetoes a change under review', () => {
  it('keeps the vetoed change off the integration branch while the other one merges, and tells its builder', async () => {
    const workspace = makeGitWorkspace({ 'a.txt': 'a line\n', 'b.txt': 'b line\n' });
    const runs = mkdtempSync(join(tmpdir(), 'tachikoma-runs-'));
    const runDirectory = join(runs, 'r1');
    const config = {
      brain: 'scripted', heartbeatMs: 250, staleMs: 5000, idleCheckMs: 60_000, stopTimeoutMs: 5000, reviewQuorum: 2,
      roles: ['builder', 'builder', 'reflector', 'reflector'],
      perInstance: {
        instance_1: { brainOptions: builder('t-a', 'a.txt', 'A vetoed change\n') },
        instance_2: { brainOptions: builder('t-b', 'b.txt', 'B merged change\n') },
        instance_3: { brainOptions: reviewer(['t-a', 't-b'], false) },
        instance_4: { brainOptions: reviewer(['t-a', 't-b'], true) },
      },
    };
    const configPath = join(runs, 'tachikoma.config.json');
    writeFileSync(configPath, JSON.stringify(config));
    const before = checkoutSnapshot(workspace);
    const run = new RunningCollective(workspace, runDirectory, ['--instances', '4', '--config', configPath]);
    cleanups.push(async () => {
      if (alive(run.pid)) await killCollective(run, runDirectory);
      rmSync(workspace, { recursive: true, force: true });
      rmSync(runs, { recursive: true, force: true });
    });
    await waitFor('the store', async () => (await cli(['status', '--json', '--run-dir', runDirectory])).status === 0, 15_000);
    const store = openRunStore(runDirectory);
    cleanups.push(() => store.close());
    for (const id of ['t-a', 't-b']) await store.createTask({ id, title: `change ${id}`, createdBy: 'human', requiredRole: 'builder' });
    await waitFor('every instance running', async () => (await store.listInstances()).filter((record) => record.pid !== null).length === 4, 15_000);
    for (const id of ['instance_1', 'instance_2']) expect((await cli(['send', '--run-dir', runDirectory, '--to', id, 'start building'])).status).toBe(0);

    // Both changes under review, each with one of the two votes it needs.
    await waitFor('both changes with one vote', async () => {
      const counts = await Promise.all(['merge_t-a', 'merge_t-b'].map(async (id) => ((await store.getProposal(id)) === null ? 0 : (await store.listVotes(id)).length)));
      return counts.every((count) => count === 1);
    }, 60_000);
    const branchA = 'tachikoma/r1/changes/t-a';
    const branchB = 'tachikoma/r1/changes/t-b';

    // The veto, from the command line; without a reason it is refused in one line.
    const noReason = await cli(['changes', '--run-dir', runDirectory, '--veto', branchA]);
    expect(noReason.status).not.toBe(0);
    expect(noReason.stderr.trim().split('\n')).toHaveLength(1);
    expect(noReason.stderr).toMatch(/--veto needs --reason/);
    const vetoed = await cli(['changes', '--run-dir', runDirectory, '--veto', branchA, '--reason', 'it rewrites a.txt wholesale', '--json']);
    expect(vetoed.status, vetoed.stderr).toBe(0);
    expect(JSON.parse(vetoed.stdout)).toMatchObject({ vetoed: branchA, proposalId: 'merge_t-a', by: 'human' });

    // The second reviewer now votes merge on both: too late for the vetoed one, enough for the other.
    expect((await cli(['send', '--run-dir', runDirectory, '--to', 'instance_4', 'review now'])).status).toBe(0);
    await waitFor('t-b merged', () => readChanges(runDirectory).some((entry) => entry.event === 'merged' && entry.branch === branchB), 60_000);
    await waitFor('instance_4 tried both votes', async () => (await store.listVotes('merge_t-b')).length === 2, 30_000);

    const integration = 'tachikoma/r1/integration';
    const committedA = readChanges(runDirectory).find((entry) => entry.event === 'committed' && entry.branch === branchA);
    expect(committedA?.event).toBe('committed');
    expect(gitIn(workspace, ['branch', '--contains', committedA?.event === 'committed' ? committedA.commit : 'HEAD', '--list', integration]).trim()).toBe('');
    expect(gitIn(workspace, ['show', `${integration}:a.txt`])).toBe('a line\n');
    expect(gitIn(workspace, ['show', `${integration}:b.txt`])).toBe('B merged change\n');
    expect(readChanges(runDirectory).filter((entry) => entry.branch === branchA).map((entry) => entry.event)).toEqual(['committed', 'vetoed']);

    // The store's history holds the veto, who and why; the late vote was refused; the builder was told.
    const proposalEvents = (await store.readHistory({ after: 0, kinds: ['proposal'] })).filter((event) => event.entityId === 'merge_t-a');
    expect(proposalEvents.map((event) => event.action)).toEqual(['opened', 'vetoed']);
    expect(proposalEvents[1]?.data).toMatchObject({ state: 'closed', outcome: { status: 'vetoed', veto: { by: 'human', reason: 'it rewrites a.txt wholesale' } } });
    expect((await store.listVotes('merge_t-a')).map((vote) => vote.voter)).toEqual(['instance_3']);
    const told = (await store.readMessages({ audience: { instance: 'instance_1' }, after: 0 })).filter((message) => message.from === 'human' && message.metadata.proposalId === 'merge_t-a');
    expect(told.map((message) => message.content)).toEqual([expect.stringContaining('was vetoed by human: it rewrites a.txt wholesale')]);

    // The listing agrees; a second veto, and a veto of the merged change, are refused with the reason.
    const listed = JSON.parse((await cli(['changes', '--json', '--run-dir', runDirectory])).stdout) as { changes: Array<{ branch: string; merge: { state: string; detail: string | null } }> };
    expect(Object.fromEntries(listed.changes.map((change) => [change.branch, change.merge.state]))).toEqual({ [branchA]: 'vetoed', [branchB]: 'merged' });
    const again = await cli(['changes', '--run-dir', runDirectory, '--veto', branchA, '--reason', 'again']);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain(`${branchA} was already vetoed by human`);
    const tooLate = await cli(['changes', '--run-dir', runDirectory, '--veto', branchB, '--reason', 'too late']);
    expect(tooLate.status).not.toBe(0);
    expect(tooLate.stderr).toMatch(new RegExp(`${branchB.replaceAll('/', '\\/')} is already merged into ${integration.replaceAll('/', '\\/')}`));
    expect(tooLate.stderr.trim().split('\n')).toHaveLength(1);
    expect(checkoutSnapshot(workspace)).toEqual(before);
  }, 150_000);
});
