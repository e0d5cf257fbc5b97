import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeFixtureRepository } from './support/fixture-repository.js';
import { RunningCollective, alive, openRunStore, withStore, waitFor } from './support/collective-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function heuristicWorkspace(config: Record<string, unknown>): { workspace: string; runDirectory: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'tachikoma-audit-'));
  writeFixtureRepository(workspace);
  writeFileSync(
    join(workspace, 'tachikoma.config.json'),
    JSON.stringify({ heartbeatMs: 250, staleMs: 8000, stopTimeoutMs: 5000, ...config, brainOptions: { coordinatorLeaseMs: 2000, coordinatorTermTurns: 2, voteWindowMs: 6000, filesPerTask: 3, ...(config.brainOptions as object | undefined) } }),
  );
  const runDirectory = join(workspace, '.tachikoma');
  cleanups.push(() => rmSync(workspace, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  return { workspace, runDirectory };
}

function start(workspace: string, runDirectory: string, args: string[]): RunningCollective {
  const run = new RunningCollective(workspace, runDirectory, ['--brain', 'heuristic', '--no-dashboard', ...args]);
  cleanups.push(async () => {
    if (alive(run.pid)) run.kill('SIGKILL');
    if (existsSync(join(runDirectory, 'collective.db'))) {
      const store = openRunStore(runDirectory);
      for (const record of await store.listInstances()) if (record.pid !== null && alive(record.pid)) process.kill(record.pid, 'SIGKILL');
      await store.close();
    }
  });
  return run;
}

const evidenceList = z.array(z.string());

describe('the heuristic brain audits a repository as a collective', () => {
  it('runs --until-done to a report with real evidence, every task done once, every kind of message, rotating coordinators and distinct personalities', async () => {
    const { workspace, runDirectory } = heuristicWorkspace({});
    const started = Date.now();
    const run = start(workspace, runDirectory, ['--instances', '3', '--until-done', '--timeout', '110']);
    expect(await run.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(run.events.map((event) => event.type)).toContain('goal_met');
    const report = readFileSync(join(runDirectory, 'report.md'), 'utf8');
    expect(report).toMatch(/^# Audit report/);
    expect(report).toContain('## Findings by theme');
    expect(report).toContain('## Decisions');
    await withStore(runDirectory, async (store) => {
      const messages = await store.readMessages({ audience: { all: true }, after: 0, limit: 10_000 });
      const types = new Set(messages.map((message) => message.type));
      for (const type of ['finding', 'question', 'answer', 'task_complete', 'proposal', 'vote', 'consensus']) expect(types, `no ${type} message`).toContain(type);
      const references = messages.filter((message) => message.type === 'finding').flatMap((message) => evidenceList.catch([]).parse(message.metadata.evidence));
      expect(references.length).toBeGreaterThan(5);
      for (const reference of references) {
        const match = /^(.+):(\d+)$/.exec(reference);
        expect(match, reference).not.toBeNull();
        const lines = readFileSync(join(workspace, match?.[1] ?? ''), 'utf8').split('\n');
        const line = Number(match?.[2]);
        expect(line, reference).toBeGreaterThanOrEqual(1);
        expect(line, reference).toBeLessThanOrEqual(lines.length);
      }
      const tasks = await store.listTasks();
      expect(tasks.length).toBeGreaterThan(3);
      expect(tasks.every((task) => task.state === 'done')).toBe(true);
      const completions = await store.readHistory({ after: 0, kinds: ['task'], limit: 10_000 });
      for (const task of tasks) expect(completions.filter((event) => event.entityId === task.id && event.action === 'completed')).toHaveLength(1);
      const holders = new Set((await store.readHistory({ after: 0, kinds: ['lease'] })).filter((event) => event.action !== 'released').map((event) => z.looseObject({ holder: z.string() }).parse(event.data).holder));
      expect(holders.size).toBeGreaterThanOrEqual(2);
      const personalities = (await store.listInstances()).map((record) => JSON.stringify(record.metadata.personality));
      expect(new Set(personalities).size).toBe(3);
    });
  }, 150_000);

  it('a tie between opposed personalities goes to debate, then to the coordinator, and the dissent is kept', async () => {
    const { workspace, runDirectory } = heuristicWorkspace({
      roles: ['reflector', 'builder'],
      perInstance: {
        instance_1: { brainOptions: { personality: { thoroughness: 0, caution: 1, simplicity: 0, novelty: 0 } } },
        instance_2: { brainOptions: { personality: { thoroughness: 0, caution: 0, simplicity: 1, novelty: 0 } } },
      },
    });
    const run = start(workspace, runDirectory, ['--instances', '2', '--until-done', '--timeout', '110']);
    expect(await run.exited).toBe(0);
    await withStore(runDirectory, async (store) => {
      const proposal = await store.getProposal('prop_first_recommendation');
      expect(proposal?.outcome?.status).toBe('tie');
      expect(proposal?.round).toBe(2);
      const votes = await store.listVotes('prop_first_recommendation');
      expect(votes.filter((vote) => vote.round === 2)).toHaveLength(2);
      const consensus = (await store.readMessages({ audience: { all: true }, after: 0, limit: 10_000 })).find((message) => message.id === 'msg_consensus_prop_first_recommendation');
      expect(consensus?.metadata.tieBreak).toEqual(expect.any(String));
      expect(z.array(z.unknown()).parse(consensus?.metadata.dissent)).toHaveLength(1);
      const decision = await store.getMemory('mem_decision_prop_first_recommendation');
      expect(decision?.content).toMatch(/Dissent: instance_\d chose/);
    });
  }, 150_000);

  it('when the coordinator is killed mid-run another instance takes the role within a lease period and the run completes', async () => {
    const { workspace, runDirectory } = heuristicWorkspace({ brainOptions: { coordinatorTermTurns: 1000, filesPerTask: 1 } });
    const run = start(workspace, runDirectory, ['--instances', '3', '--until-done', '--timeout', '110']);
    const first = await waitFor('a coordinator with tasks planned', async () =>
      existsSync(join(runDirectory, 'collective.db')) ? withStore(runDirectory, async (store) => {
        const lease = await store.getRoleLease('coordinator');
        const tasks = await store.listTasks();
        const holder = lease === null ? null : await store.getInstance(lease.holder);
        return lease !== null && tasks.length > 0 && holder?.pid !== null && holder?.pid !== undefined ? { lease, pid: holder.pid } : undefined;
      }) : undefined, 30_000);
    process.kill(first.pid, 'SIGKILL');
    const killedAt = Date.now();
    const next = await waitFor('another coordinator', () =>
      withStore(runDirectory, async (store) => {
        const lease = await store.getRoleLease('coordinator');
        return lease !== null && lease.term > first.lease.term ? lease : undefined;
      }), 15_000);
    // One lease period (2 s) plus the polling interval (1 s); slack for a loaded test machine.
    expect(Date.now() - killedAt).toBeLessThan(2000 + 1000 + 5000);
    expect(next.term).toBeGreaterThan(first.lease.term);
    expect(await run.exited).toBe(0);
    expect(existsSync(join(runDirectory, 'report.md'))).toBe(true);
  }, 150_000);

  it('a 1,001- and a 60,000-character question are answered; no instance crashes on them', async () => {
    const { workspace, runDirectory } = heuristicWorkspace({});
    const run = start(workspace, runDirectory, ['--instances', '2', '--timeout', '110']);
    const pids = await waitFor('the instances running', async () =>
      existsSync(join(runDirectory, 'collective.db')) ? withStore(runDirectory, async (store) => {
        const records = await store.listInstances();
        return records.length === 2 && records.every((record) => record.status !== 'starting') ? records.map((record) => record.pid) : undefined;
      }) : undefined, 30_000);
    const questions = [`${'why is the store module so large? '.repeat(30)}`.slice(0, 1001), `${'explain the imports of src please '.repeat(2000)}`.slice(0, 60_000)];
    const asked = await withStore(runDirectory, async (store) => Promise.all(questions.map((content) => store.publish({ from: 'human', to: 'broadcast', type: 'question', content, metadata: {} }))));
    expect(asked.map((message) => message.content.length)).toEqual([1001, 60_000]);
    const answers = await waitFor('an answer from each instance to each question', () =>
      withStore(runDirectory, async (store) => {
        const replies = (await store.readMessages({ audience: { human: true }, after: 0, limit: 10_000 })).filter((message) => message.type === 'answer');
        const pairs = new Set(replies.map((reply) => `${reply.from}:${typeof reply.metadata.inReplyTo === 'string' ? reply.metadata.inReplyTo : ''}`));
        return asked.every((question) => ['instance_1', 'instance_2'].every((id) => pairs.has(`${id}:${question.id}`))) ? replies : undefined;
      }), 60_000);
    expect(answers.some((reply) => reply.metadata.setAside === true)).toBe(false);
    const records = await withStore(runDirectory, (store) => store.listInstances());
    expect(records.map((record) => record.status)).not.toContain('crashed');
    // The same processes answered: none crashed and was restarted on the way.
    expect(records.map((record) => record.pid)).toEqual(pids);
    run.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 150_000);
});
