import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChangeEntry, readChanges } from '../src/workspace/change-ledger.js';
import { RunningCollective, alive, cli, openRunStore, turnRecords, waitFor, withStore } from './support/collective-harness.js';
import { checkoutSnapshot, gitIn, makeGitWorkspace } from './support/git-workspace.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A builder that, told to go by the human, claims its task, makes its edits and completes the task; told by the
 * orchestrator that its change conflicted, it claims the task again and makes `redo` on top of what landed.
 */
function builder(taskId: string, edits: unknown[], redo: unknown[] = []): unknown {
  const work = (calls: unknown[]): unknown[] => [
    { tool: 'claim_task', input: { taskId } },
    ...calls,
    { tool: 'complete_task', input: { taskId, result: `done ${taskId}`, evidence: [`${taskId}:1`] } },
  ];
  return {
    inline: {
      version: 1,
      onMessage: [
        { match: { from: 'human' }, calls: work(edits) },
        ...(redo.length === 0 ? [] : [{ match: { from: 'orchestrator', contentIncludes: 'conflicted' }, calls: work(redo) }]),
      ],
    },
  };
}

/** The reviewer votes on each "merge <branch>?" proposal (by its id, named in the message) as the test decides. */
function reviewer(verdicts: Record<string, 'merge' | 'reject'>): unknown {
  return {
    inline: {
      version: 1,
      // Longest ids first: "merge_t-c1_a2" must not be taken for "merge_t-c1".
      onMessage: Object.entries(verdicts).sort(([a], [b]) => b.length - a.length).map(([proposalId, option]) => ({
        match: { type: 'proposal', contentIncludes: `vote on ${proposalId}` },
        calls: [
          { tool: 'read_change', input: { proposalId } },
          { tool: 'check_change', input: { proposalId, command: 'git status --short' } },
          { tool: 'vote', input: { proposalId, option, reason: `review of ${proposalId}: ${option}` } },
        ],
      })),
    },
  };
}

const BASE_FILES = { 'a.txt': 'a line\n', 'b.txt': 'b line\n', 'shared.txt': 'shared line\n', 'package.json': '{"name":"fixture","private":true}\n' };

describe('builders change code in their own worktrees, merged only through a vote', () => {
  it('merges the accepted change, keeps out the rejected one, reports a conflict, and leaves the user checkout untouched', async () => {
    const workspace = makeGitWorkspace(BASE_FILES);
    const runs = mkdtempSync(join(tmpdir(), 'tachikoma-runs-'));
    // The default place: the run folder (store, logs, worktrees) inside the user's checkout.
    const runDirectory = join(workspace, '.tachikoma');
    // The conflicting builder's second go: its worktree starts from the integration branch, where the other change landed.
    const redo = { tool: 'edit_file', input: { path: 'shared.txt', old: 'shared by', new: 'shared by {{self}}, after' } };
    const config = {
      brain: 'scripted', heartbeatMs: 250, staleMs: 5000, idleCheckMs: 60_000, stopTimeoutMs: 5000,
      roles: ['builder', 'builder', 'builder', 'builder', 'reflector'],
      perInstance: {
        instance_1: {
          brainOptions: builder('t-a', [
            { tool: 'write_file', input: { path: 'a.txt', content: 'A changed by instance_1\n' } },
            { tool: 'run_command', input: { command: 'npm install left-pad' } },
            { tool: 'run_command', input: { command: 'git status && rm -rf .' } },
            { tool: 'write_file', input: { path: '../escape.txt', content: 'out' } },
            { tool: 'edit_file', input: { path: 'a.txt', old: 'not there', new: 'x' } },
            { tool: 'run_command', input: { command: 'git status --short' } },
          ]),
        },
        instance_2: { brainOptions: builder('t-b', [{ tool: 'edit_file', input: { path: 'b.txt', old: 'b line', new: 'B rejected change' } }]) },
        instance_3: { brainOptions: builder('t-c1', [{ tool: 'edit_file', input: { path: 'shared.txt', old: 'shared line', new: 'shared by three' } }], [redo]) },
        instance_4: { brainOptions: builder('t-c2', [{ tool: 'edit_file', input: { path: 'shared.txt', old: 'shared line', new: 'shared by four' } }], [redo]) },
        instance_5: {
          brainOptions: reviewer({ 'merge_t-a': 'merge', 'merge_t-b': 'reject', 'merge_t-c1': 'merge', 'merge_t-c2': 'merge', 'merge_t-c1_a2': 'merge', 'merge_t-c2_a2': 'merge' }),
        },
      },
    };
    const configPath = join(runs, 'tachikoma.config.json');
    writeFileSync(configPath, JSON.stringify(config));
    const before = checkoutSnapshot(workspace);
    const statusBefore = gitIn(workspace, ['status', '--porcelain', '--untracked-files=all']);

    const run = new RunningCollective(workspace, runDirectory, ['--instances', '5', '--config', configPath]);
    cleanups.push(async () => {
      if (alive(run.pid)) run.kill('SIGKILL');
      const instances = await withStore(runDirectory, (store) => store.listInstances()).catch(() => []);
      for (const record of instances) if (record.pid !== null && alive(record.pid)) process.kill(record.pid, 'SIGKILL');
      rmSync(workspace, { recursive: true, force: true });
      rmSync(runs, { recursive: true, force: true });
    });
    await waitFor('the store', async () => (await cli(['status', '--json', '--run-dir', runDirectory])).status === 0, 15_000);
    const store = openRunStore(runDirectory);
    cleanups.push(() => store.close());
    for (const id of ['t-a', 't-b', 't-c1', 't-c2']) await store.createTask({ id, title: `change ${id}`, createdBy: 'human', requiredRole: 'builder' });
    await waitFor('every instance running', async () => (await store.listInstances()).filter((record) => record.pid !== null).length === 5, 15_000);
    for (const id of ['instance_1', 'instance_2', 'instance_3', 'instance_4']) {
      expect((await cli(['send', '--run-dir', runDirectory, '--to', id, 'go'])).status).toBe(0);
    }

    // Four changes, then the conflicting task's second change: five settled.
    const settled = (entries: ChangeEntry[]): boolean => new Set(entries.filter((entry) => entry.event !== 'committed').map((entry) => entry.proposalId)).size === 5;
    const ledger = await waitFor('five changes settled', () => { const entries = readChanges(runDirectory); return settled(entries) && entries; }, 60_000);
    const outcome = (taskId: string): string | undefined => ledger.find((entry) => entry.event !== 'committed' && entry.proposalId === `merge_${taskId}`)?.event;

    // Two builders changed different files, each in its own worktree and branch.
    const committed = ledger.filter((entry) => entry.event === 'committed');
    const loser = outcome('t-c1') === 'conflict' ? 't-c1' : 't-c2';
    const [loserAuthor, winnerWord] = loser === 't-c1' ? ['instance_3', 'four'] : ['instance_4', 'three'];
    expect(committed.map((entry) => [entry.instance, entry.files.join(',')]).sort()).toEqual([
      ['instance_1', 'a.txt'], ['instance_2', 'b.txt'], ['instance_3', 'shared.txt'], ['instance_4', 'shared.txt'], [loserAuthor, 'shared.txt'],
    ].sort());
    const integration = 'tachikoma/tachikoma/integration';
    expect(outcome('t-a')).toBe('merged');
    expect(gitIn(workspace, ['show', `${integration}:a.txt`])).toBe('A changed by instance_1\n');
    // The rejected change never reaches the integration branch.
    expect(outcome('t-b')).toBe('rejected');
    expect(gitIn(workspace, ['show', `${integration}:b.txt`])).toBe('b line\n');
    const rejectedCommit = committed.find((entry) => entry.taskId === 't-b')?.commit ?? '';
    expect(gitIn(workspace, ['branch', '--contains', rejectedCommit, '--list', integration]).trim()).toBe('');
    // Of the conflicting pair, the first merged; the second conflicted, was aborted, and its own task went back to
    // the board with the conflict explained (no new task). Its builder claimed it again, read why, redid the change
    // on top of the other one, and that second change was voted on and merged.
    expect([outcome('t-c1'), outcome('t-c2')].sort()).toEqual(['conflict', 'merged']);
    const conflict = ledger.find((entry) => entry.event === 'conflict');
    expect(conflict?.event === 'conflict' ? conflict.conflicts : []).toEqual(['shared.txt']);
    expect((await store.listTasks()).map((task) => task.id).sort()).toEqual(['t-a', 't-b', 't-c1', 't-c2']);
    const history = await store.readHistory({ after: 0, limit: 100_000 });
    const lifecycle = history.filter((event) => event.kind === 'task' && event.entityId === loser).map((event) => event.action);
    expect(lifecycle).toEqual(['created', 'claimed', 'completed', 'reopened', 'claimed', 'completed']);
    const reopened = history.find((event) => event.kind === 'task' && event.action === 'reopened');
    expect(reopened?.data).toMatchObject({ id: loser, state: 'open', owner: null, result: expect.stringMatching(/conflicted in shared\.txt.*The task is open again/) });
    // What its builder held when it claimed it again: the task with the conflict explained.
    const claimedAgain = history.filter((event) => event.kind === 'task' && event.entityId === loser && event.action === 'claimed')[1];
    expect(claimedAgain?.data).toMatchObject({ owner: loserAuthor, attempts: 2, result: expect.stringContaining(`Merging tachikoma/tachikoma/changes/${loser} into the integration branch conflicted in shared.txt`) });
    const redoEvent = ledger.find((entry) => entry.event !== 'committed' && entry.proposalId === `merge_${loser}_a2`);
    expect(redoEvent?.event).toBe('merged');
    expect(gitIn(workspace, ['show', `${integration}:shared.txt`])).toBe(`shared by ${loserAuthor}, after ${winnerWord}\n`);
    expect((await store.getTask(loser))?.state).toBe('done');

    // The refusals, as the builder saw them.
    const errors = turnRecords(runDirectory, 'instance_1').flatMap((record) => (record as { tools?: Array<{ tool: string; error?: string }> }).tools ?? []);
    const errorOf = (index: number): string | undefined => errors[index]?.error;
    expect(errors.map((entry) => entry.tool).slice(0, 8)).toEqual(['claim_task', 'write_file', 'run_command', 'run_command', 'write_file', 'edit_file', 'run_command', 'complete_task']);
    expect(errorOf(2)).toMatch(/not on this run's command allowlist/);
    expect(errorOf(3)).toMatch(/shell syntax/);
    expect(errorOf(4)).toMatch(/paths with "\.\." are refused/);
    expect(errorOf(5)).toMatch(/not in a\.txt/);
    expect(errorOf(6)).toBeUndefined();

    // The reviewer read each diff and ran a check on each change before voting.
    const reviewed = turnRecords(runDirectory, 'instance_5').flatMap((record) => (record as { tools?: Array<{ tool: string; ok: boolean }> }).tools ?? []);
    expect(reviewed.filter((entry) => entry.tool === 'read_change' && entry.ok)).toHaveLength(5);
    expect(reviewed.filter((entry) => entry.tool === 'check_change' && entry.ok)).toHaveLength(5);

    // The user's checkout: every file (the run folder aside), the index, HEAD, status and branches exactly as before;
    // git neither shows nor would add the run folder, its store or its worktrees.
    const after = checkoutSnapshot(workspace);
    expect(Object.keys(after.files).some((path) => path.startsWith('.tachikoma/worktrees/'))).toBe(true);
    expect({ ...after, files: Object.fromEntries(Object.entries(after.files).filter(([path]) => !path.startsWith('.tachikoma/'))) }).toEqual(before);
    expect(gitIn(workspace, ['status', '--porcelain', '--untracked-files=all'])).toBe(statusBefore);
    expect(gitIn(workspace, ['add', '-A', '--dry-run'])).toBe('');
    const tachikomaRefs = gitIn(workspace, ['for-each-ref', '--format=%(refname)', 'refs/heads/tachikoma/']).split('\n').filter(Boolean);
    expect(tachikomaRefs).toContain(`refs/heads/${integration}`);

    // `tachikoma changes` lists each change with its votes and merge state.
    const listed = await cli(['changes', '--json', '--run-dir', runDirectory]);
    expect(listed.status, listed.stderr).toBe(0);
    const listing = JSON.parse(listed.stdout) as { integration: string; changes: Array<{ taskId: string; proposalId: string; merge: { state: string }; vote: { votes: Array<{ option: string }> } }> };
    expect(listing.integration).toBe(integration);
    expect(Object.fromEntries(listing.changes.map((change) => [change.proposalId, change.merge.state]))).toEqual({
      'merge_t-a': 'merged', 'merge_t-b': 'rejected', [`merge_${loser}`]: 'conflict', [`merge_${loser === 't-c1' ? 't-c2' : 't-c1'}`]: 'merged', [`merge_${loser}_a2`]: 'merged',
    });
    expect(listing.changes.find((change) => change.taskId === 't-b')?.vote.votes.map((vote) => vote.option)).toEqual(['reject']);

    // --apply refuses a dirty working tree with one line, then merges the integration branch when it is clean.
    writeFileSync(join(workspace, 'a.txt'), 'my own edit\n');
    const refused = await cli(['changes', '--apply', '--run-dir', runDirectory]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/uncommitted changes/);
    expect(readFileSync(join(workspace, 'a.txt'), 'utf8')).toBe('my own edit\n');
    gitIn(workspace, ['checkout', '--', 'a.txt']);
    const applied = await cli(['changes', '--apply', '--run-dir', runDirectory]);
    expect(applied.status, applied.stderr).toBe(0);
    expect(readFileSync(join(workspace, 'a.txt'), 'utf8')).toBe('A changed by instance_1\n');
    expect(readFileSync(join(workspace, 'b.txt'), 'utf8')).toBe('b line\n');
    expect(gitIn(workspace, ['rev-parse', '--abbrev-ref', 'HEAD']).trim()).toBe('main');
  }, 120_000);
});
