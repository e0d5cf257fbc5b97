import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type MockLlmRequest,
  type MockReply,
  type MockResponder,
  byInstance,
  firstUserText,
  instanceIdOf,
  planResponder,
  startMockLlmServer,
  succeeded,
} from './support/model-server/index.js';
import { DEBUG_LOG, RunningCollective, cli, instanceLogEvents, killCollective, waitFor, withStore } from './support/collective-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workspaceWith(config: Record<string, unknown>): { workspace: string; runDirectory: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'tachikoma-collab-'));
  mkdirSync(join(workspace, 'src'), { recursive: true });
  writeFileSync(join(workspace, 'src/a.ts'), 'export function parse(input: string): number {\n  // TODO: validate input\n  return Number(input);\n}\n');
  writeFileSync(join(workspace, 'tachikoma.config.json'), JSON.stringify({ heartbeatMs: 250, staleMs: 10_000, stopTimeoutMs: 5000, ...config }));
  if (process.env.KEEP_COLLAB === undefined) cleanups.push(() => rmSync(workspace, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  return { workspace, runDirectory: join(workspace, '.tachikoma') };
}

async function startModel(respond: MockResponder) {
  const mock = await startMockLlmServer({ respond });
  cleanups.push(() => mock.close());
  const previousKey = process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_KEY = 'sk-collab-test';
  cleanups.push(() => {
    if (previousKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = previousKey;
  });
  return mock;
}

function startRun(workspace: string, runDirectory: string, url: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): RunningCollective {
  const run = new RunningCollective(workspace, runDirectory, ['--brain', 'openai-compatible', '--base-url', `${url}/v1`, '--model', 'mock', '--no-dashboard', ...args], env);
  cleanups.push(() => killCollective(run, runDirectory));
  return run;
}

/** Everything a request carries: system prompt, every message's text, tool calls and tool results. */
function requestText(request: MockLlmRequest): string {
  return [request.system, ...request.messages.flatMap((message) => [message.text, JSON.stringify(message.toolCalls), ...message.toolResults.map((result) => result.content)])].join('\n');
}

/** Adds `delayMs` to every reply of `respond` that calls `tool`: a model step that takes that long. */
function slowWhenCalling(respond: MockResponder, tool: string, delayMs: number): MockResponder {
  return async (request) => {
    const reply: MockReply = await respond(request);
    return reply.toolCalls?.some((call) => call.name === tool) === true ? { ...reply, delayMs } : reply;
  };
}

describe('collaboration runtime with model brains (real processes, mock model over HTTP)', () => {
  it('a claim survives a model step three times longer than its lease: the lease keeper renews it, and renewals leave no history', async () => {
    const leaseMs = 1000;
    const plan = planResponder(
      [
        { call: { name: 'create_task', input: { id: 'task_slow', title: 'Review src/a.ts', scope: ['src/a.ts'], expected: 'findings', doneWhen: 'read' } } },
        { call: { name: 'claim_task', input: { taskId: 'task_slow' } } },
        { call: { name: 'read_files', input: { paths: ['src/a.ts'] } } },
        { call: { name: 'complete_task', input: { taskId: 'task_slow', result: 'parse() does not validate', evidence: ['src/a.ts:2'] } } },
      ],
      { doneText: 'done' },
    );
    const mock = await startModel(byInstance({ instance_1: slowWhenCalling(plan, 'complete_task', 3 * leaseMs + 500) }));
    const { workspace, runDirectory } = workspaceWith({ leaseMs, idleCheckMs: 60_000 });
    const run = startRun(workspace, runDirectory, mock.url, ['--instances', '1']);

    await waitFor('the plan to finish', () => plan.finished, 45_000);
    await withStore(runDirectory, async (store) => {
      const task = await store.getTask('task_slow');
      expect([task?.state, task?.owner, task?.attempts]).toEqual(['done', 'instance_1', 1]);
      const history = await store.readHistory({ after: 0, limit: 10_000 });
      expect(history.filter((event) => event.kind === 'task' && event.entityId === 'task_slow').map((event) => event.action)).toEqual(['created', 'claimed', 'completed']);
    });
    // The step that completed the task took 3.5 leases; the completion still succeeded.
    const completion = mock.requests.flatMap((request) => request.messages.flatMap((message) => message.toolResults)).find((result) => result.name === 'complete_task');
    expect(completion !== undefined && succeeded(completion)).toBe(true);
    // What the instance read is in the coverage map that status shows.
    const status = await cli(['status', '--json', '--run-dir', runDirectory]);
    expect(z.looseObject({ coverage: z.unknown() }).parse(JSON.parse(status.stdout)).coverage).toEqual({ areas: 1, reads: 1, instancesPerArea: 1, byInstance: { instance_1: ['src/a.ts'] } });
    expect((await cli(['stop', '--run-dir', runDirectory])).status).toBe(0);
    expect(await run.exited).toBe(0);
  });

  it('a plain broadcast wakes nobody: it waits as context for the next turn, which a direct message starts', async () => {
    const turns = (id: string): MockLlmRequest[] => mock.requests.filter((request) => instanceIdOf(request) === id && request.messages.filter((message) => message.role === 'tool').length === 0);
    const mock = await startModel(() => ({ text: 'nothing to do' }));
    const { workspace, runDirectory } = workspaceWith({ idleCheckMs: 600_000 });
    const run = startRun(workspace, runDirectory, mock.url, ['--instances', '2'], DEBUG_LOG);

    // instance_1 coordinates from the start and asks its model; instance_2 has nothing to act on (no task, no
    // vote, no message) and goes idle without a model call.
    await waitFor('both instances idle after their first turn', () =>
      withStore(runDirectory, async (store) => {
        const records = await store.listInstances();
        return records.length === 2 && records.every((record) => record.status === 'idle') && turns('instance_1').length >= 1;
      }), 30_000);
    expect(turns('instance_2')).toHaveLength(0);
    const before = { instance_1: turns('instance_1').length, instance_2: turns('instance_2').length };
    const broadcast = await withStore(runDirectory, (store) => store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'BROADCAST_MARKER src/a.ts:2 has a TODO' }));
    // instance_2 read the broadcast and kept it for its next turn (its debug log says so) instead of taking one.
    await waitFor('instance_2 to keep the broadcast for its next turn', () =>
      instanceLogEvents(runDirectory, 'instance_2').some((event) => event.event === 'carried' && event.inbox?.includes(broadcast.seq)), 20_000);
    expect(turns('instance_2').length).toBe(before.instance_2);
    expect(turns('instance_1').length).toBe(before.instance_1);

    const sent = await cli(['send', '--run-dir', runDirectory, '--to', 'instance_2', 'DIRECT_MARKER what do you see?']);
    expect(sent.status, sent.stderr).toBe(0);
    const next = await waitFor('instance_2 to take a turn for the direct message', () => turns('instance_2').at(before.instance_2), 20_000);
    // One turn carries both: the waiting broadcast and the message that woke it.
    expect(firstUserText(next)).toContain('BROADCAST_MARKER');
    expect(firstUserText(next)).toContain('DIRECT_MARKER');
    expect(turns('instance_1').length).toBe(before.instance_1);
    expect((await cli(['stop', '--run-dir', runDirectory])).status).toBe(0);
    expect(await run.exited).toBe(0);
  });

  it('votes stay blind until the proposal closes; the close wakes the voters; --until-done ends the run once the goal vote passed and the final task is completed', async () => {
    const closedSeen = (request: MockLlmRequest): boolean => firstUserText(request).includes('vote closed: goal_met');
    const plans = {
      instance_1: planResponder(
        [
          { call: { name: 'create_task', input: { id: 'task_final', title: 'Write the final answer', expected: 'the answer', doneWhen: 'the goal vote passed' } } },
          { call: { name: 'propose', input: { id: 'goal_met', goal: true, title: 'Is the goal met?', options: ['yes', 'no'], quorum: 2 } } },
          { call: { name: 'vote', input: { proposalId: 'goal_met', option: 'yes', reason: 'REASON_ONE_secret' } } },
        ],
        { doneText: 'proposed and voted' },
      ),
      instance_2: planResponder(
        [
          { call: { name: 'claim_task', input: { taskId: 'task_final' } } },
          { call: { name: 'vote', input: { proposalId: 'goal_met', option: 'yes', reason: 'REASON_TWO_secret' } } },
          { call: (request) => (closedSeen(request) ? { name: 'complete_task', input: { taskId: 'task_final', result: 'the goal is met', evidence: ['src/a.ts:2'] } } : undefined) },
        ],
        { waitingText: 'waiting for the vote to close', doneText: 'final task completed' },
      ),
    };
    const mock = await startModel(byInstance(plans));
    const { workspace, runDirectory } = workspaceWith({ idleCheckMs: 600_000 });
    const run = startRun(workspace, runDirectory, mock.url, ['--instances', '2', '--until-done']);

    expect(await run.exited).toBe(0);
    expect(z.looseObject({ state: z.string() }).parse(JSON.parse(readFileSync(join(runDirectory, 'run.json'), 'utf8'))).state).toBe('done');
    // instance_1 saw all its steps through; instance_2's last step (complete_task) may be the last thing it did: the
    // run ends as soon as the task is done, possibly before its model sees the result. The store below shows it.
    expect(plans.instance_1.finished).toBe(true);
    expect(plans.instance_2.completed).toBeGreaterThanOrEqual(2);
    await withStore(runDirectory, async (store) => {
      const task = await store.getTask('task_final');
      expect([task?.state, task?.owner]).toEqual(['done', 'instance_2']);
      const proposal = await store.getProposal('goal_met');
      expect([proposal?.state, proposal?.outcome?.winner]).toEqual(['closed', 'yes']);
      const votes = (await store.readMessages({ audience: { all: true }, after: 0, limit: 10_000 })).filter((message) => message.type === 'vote');
      expect(votes).toHaveLength(2);
      for (const vote of votes) expect(`${vote.content} ${JSON.stringify(vote.metadata)}`).not.toMatch(/REASON_|"option"/);
    });
    // No peer ever saw another's choice or reason: only its own vote call carries its own.
    for (const request of mock.requests) {
      const other = instanceIdOf(request) === 'instance_1' ? 'REASON_TWO' : 'REASON_ONE';
      expect(requestText(request)).not.toContain(other);
    }
    // The close woke instance_2 (idle after voting) and told it the outcome.
    expect(mock.requests.some((request) => instanceIdOf(request) === 'instance_2' && closedSeen(request))).toBe(true);
  });
});
