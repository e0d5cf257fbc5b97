import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { COORDINATOR_LEASE } from '../collective/roles.js';
import { runPaths } from '../core/run-paths.js';
import {
  contentSchema, idSchema, memoryKindSchema, optionSchema, roleSchema, scopeEntrySchema, shortText, tagSchema, taskKindSchema, taskStateSchema, textSchema, titleSchema,
} from '../protocol/index.js';
import { overlappingEntries } from '../workspace/task-scope.js';
import { withBlocked } from './board-views.js';
import { type ToolDefinition, type ToolEnvironment, defineTool } from './tool-definition.js';

const MAX_REPORT_BYTES = 2 * 1024 * 1024;

/** Throws unless the caller holds the coordinator lease right now. */
export async function requireCoordinator(env: ToolEnvironment, doing: string): Promise<void> {
  const lease = await env.store.getRoleLease(COORDINATOR_LEASE);
  if (lease?.holder !== env.self) {
    throw new Error(`only the coordinator may ${doing}; the coordinator is ${lease?.holder ?? 'nobody'} (take the role with coordinator_lease)`);
  }
}

/** Whether this instance has voted on a proposal in its current round. */
async function votedInRound(env: ToolEnvironment, proposalId: string, round: number): Promise<boolean> {
  return (await env.store.listVotes(proposalId)).some((vote) => vote.voter === env.self && vote.round === round);
}

/**
 * Refuses a work task whose scope overlaps a work task already on the board (open, claimed or done; a failed
 * task's scope is free again): covered files are not handed out twice unless the coordinator says it is a review.
 */
async function refuseOverlap(env: ToolEnvironment, scope: readonly string[]): Promise<void> {
  if (scope.length === 0) return;
  for (const task of await env.store.listTasks()) {
    if (task.kind === 'review' || task.state === 'failed') continue;
    const shared = overlappingEntries(scope, task.scope);
    if (shared.length > 0) {
      throw new Error(`scope ${shared.map((entry) => JSON.stringify(entry)).join(', ')} overlaps task ${task.id} (${task.state}, scope ${task.scope.join(', ')}): give this task a disjoint scope, or create it with kind "review" if it is meant to look again at covered work`);
    }
  }
}

/** Tools for working together: the board, votes, the coordinator role, syntheses and the report. */
export const COORDINATION_TOOLS: readonly ToolDefinition[] = [
  defineTool({
    name: 'list_tasks',
    description: 'The task board, optionally only tasks in one state. An open task marked `blocked` waits on the tasks in `waitingOn` and cannot be claimed yet.',
    input: z.strictObject({ state: taskStateSchema.optional().describe('Only tasks in this state: open, claimed, done or failed.') }),
    run: async (input, env) => withBlocked(env.store, await env.store.listTasks(input.state === undefined ? {} : { state: input.state })),
  }),
  defineTool({
    name: 'create_task',
    description: 'Coordinator only: put a task on the board with a brief (objective, scope, expected output, done-when), optionally for one role and after other tasks. A work task\'s scope may not overlap another task\'s (the call fails and names it); a review task (kind "review") looks again at covered work on purpose.',
    input: z.strictObject({
      id: idSchema.optional().describe('Optional id (e.g. "review_parser"); creating the same id again returns the existing task.'),
      kind: taskKindSchema.optional().describe('"work" (default): covers its scope for the first time; "review": looks again at work other tasks covered (checking findings, a second opinion), and may overlap them.'),
      title: titleSchema.describe('The objective, in one line.'),
      detail: textSchema.optional().describe('Anything else the worker needs to know.'),
      scope: z.array(scopeEntrySchema).max(100).optional().describe('Which files, folders or areas the task covers (e.g. ["src/parser/", "src/lexer.ts"]).'),
      expected: shortText(2_000).optional().describe('What the task must produce (e.g. "findings with path:line evidence").'),
      doneWhen: shortText(2_000).optional().describe('When the task counts as done.'),
      requiredRole: roleSchema.optional().describe('Only an instance of this role may claim it.'),
      dependsOn: z.array(idSchema).max(100).optional().describe('Ids of tasks that must be done before this one can be claimed.'),
    }),
    run: async (input, env) => {
      await requireCoordinator(env, 'create tasks');
      const existing = input.id === undefined ? null : await env.store.getTask(input.id);
      if (existing !== null) return existing;
      if (input.kind !== 'review') await refuseOverlap(env, input.scope ?? []);
      const task = await env.store.createTask({
        ...(input.kind === undefined ? {} : { kind: input.kind }),
        title: input.title,
        createdBy: env.self,
        ...(input.id === undefined ? {} : { id: input.id }),
        ...(input.detail === undefined ? {} : { detail: input.detail }),
        ...(input.requiredRole === undefined ? {} : { requiredRole: input.requiredRole }),
        ...(input.dependsOn === undefined ? {} : { dependsOn: input.dependsOn }),
        ...(input.scope === undefined ? {} : { scope: input.scope }),
        ...(input.expected === undefined ? {} : { expected: input.expected }),
        ...(input.doneWhen === undefined ? {} : { doneWhen: input.doneWhen }),
      });
      // A task event: it wakes idle instances (see the wake policy), so the work is picked up now.
      await env.store.publish({
        id: env.nextMessageId(), from: env.self, to: 'broadcast', type: 'status',
        content: `new task ${task.id}: ${task.title}`.slice(0, 4000),
        metadata: { event: 'task_created', taskId: task.id, requiredRole: task.requiredRole, dependsOn: task.dependsOn },
      });
      return task;
    },
  }),
  defineTool({
    name: 'release_task',
    description: 'Give a claimed task back to the board for someone else.',
    input: z.strictObject({ taskId: idSchema.describe('Id of the task this instance holds.') }),
    run: async (input, env) => {
      const task = await env.store.releaseTask(input.taskId, env.self);
      if (env.currentTask.id === task.id) env.currentTask.id = null;
      return task;
    },
  }),
  defineTool({
    name: 'list_memory',
    description: 'Collective memory by recency or importance, optionally one kind (finding, synthesis, decision).',
    input: z.strictObject({
      kind: memoryKindSchema.optional().describe('Only this kind of memory.'),
      order: z.enum(['recency', 'importance']).optional().describe('Newest first (default) or most important first.'),
      limit: z.number().int().min(1).max(1000).optional().describe('Most items (default 50).'),
    }),
    run: (input, env) =>
      env.store.listMemory({ order: input.order ?? 'recency', limit: input.limit ?? 50, ...(input.kind === undefined ? {} : { kinds: [input.kind] }) }),
  }),
  defineTool({
    name: 'list_proposals',
    description: 'Proposals, open or closed: options, deadline, round, whether you voted, and the outcome once closed (votes stay blind while open).',
    input: z.strictObject({ state: z.enum(['open', 'closed']).optional().describe('Only open or only closed proposals.') }),
    run: async (input, env) => {
      const proposals = await env.store.listProposals(input.state === undefined ? {} : { state: input.state });
      return Promise.all(proposals.map(async (proposal) => ({ ...proposal, votedByMe: await votedInRound(env, proposal.id, proposal.round) })));
    },
  }),
  defineTool({
    name: 'read_votes',
    description: "Everyone's votes and reasons on a proposal once it is closed; during a debate round, only the earlier rounds' votes (the current round stays blind).",
    input: z.strictObject({ proposalId: idSchema.describe('Id of the proposal.') }),
    run: async (input, env) => {
      const proposal = await env.store.getProposal(input.proposalId);
      if (proposal === null) throw new Error(`unknown proposal ${input.proposalId}`);
      if (proposal.state === 'open' && proposal.round === 1) throw new Error(`votes are blind while the vote is open: ${proposal.id} closes at ${proposal.deadline} or once ${proposal.quorum} have voted`);
      const votes = await env.store.listVotes(input.proposalId);
      return proposal.state === 'closed' ? votes : votes.filter((vote) => vote.round < proposal.round);
    },
  }),
  defineTool({
    name: 'coordinator_lease',
    description: 'Take the coordinator role (one holder at a time; the runtime keeps renewing it while you are alive), give it up, or see who holds it. Acquiring while another instance holds it fails and names the holder.',
    input: z.strictObject({
      action: z.enum(['acquire', 'release', 'status']).describe('acquire: take (or renew) the role; release: give it up; status: who holds it.'),
      ttlMs: z.number().int().min(1000).max(600_000).optional().describe('Lease length in ms (default 15000); renewed automatically while this instance runs.'),
    }),
    run: async (input, env) => {
      if (input.action === 'status') return env.store.getRoleLease(COORDINATOR_LEASE);
      if (input.action === 'release') return { released: await env.store.releaseRoleLease(COORDINATOR_LEASE, env.self) };
      const lease = await env.store.acquireRoleLease(COORDINATOR_LEASE, env.self, { ttlMs: input.ttlMs ?? 15_000 });
      if (lease !== null) return lease;
      const holder = await env.store.getRoleLease(COORDINATOR_LEASE);
      throw new Error(`the coordinator role is held by ${holder?.holder ?? 'another instance'} until ${holder?.expiresAt ?? 'its lease expires'}; you are not the coordinator`);
    },
  }),
  defineTool({
    name: 'announce_consensus',
    description: 'Coordinator only: announce how a proposal ended (a tie is settled by `tieBreak`), keep the decision and the dissent in memory; `goalMet` says the goal is reached.',
    input: z.strictObject({
      proposalId: idSchema.describe('Id of the closed proposal.'),
      tieBreak: optionSchema.optional().describe('On a tie or split only: the option the coordinator settles on.'),
      goalMet: z.boolean().optional().describe('true when this decision means the goal is reached (ends a run started with --until-done).'),
      summary: textSchema.optional().describe('A sentence or two on what was decided and why.'),
    }),
    run: async (input, env) => {
      await requireCoordinator(env, 'announce a consensus');
      const proposal = await env.store.getProposal(input.proposalId);
      if (proposal?.state !== 'closed' || proposal.outcome === null) throw new Error(`proposal ${input.proposalId} is not closed yet`);
      const { outcome } = proposal;
      if (input.tieBreak !== undefined && outcome.status === 'decided') throw new Error('the vote was decided; there is no tie to break');
      if (input.tieBreak !== undefined && !proposal.options.includes(input.tieBreak)) throw new Error(`${input.tieBreak} is not an option`);
      const winner = outcome.winner ?? input.tieBreak ?? null;
      const votes = await env.store.listVotes(proposal.id);
      const finalVotes = [...new Map(votes.map((vote) => [vote.voter, vote])).values()];
      const dissent = finalVotes.filter((vote) => vote.option !== winner).map((vote) => ({ voter: vote.voter, option: vote.option, reason: vote.reason }));
      const counts = Object.entries(outcome.counts).map(([option, count]) => `${option}: ${count}`).join(', ');
      const how = outcome.status === 'decided' ? 'decided by vote' : input.tieBreak !== undefined ? `${outcome.status}; settled by the coordinator` : outcome.status;
      const content = `${proposal.title} → ${winner ?? 'no decision'} (${how}; ${counts})${input.summary === undefined ? '' : `. ${input.summary}`}`;
      const decisionId = `mem_decision_${proposal.id}`.slice(0, 64);
      await env.store.remember({
        id: decisionId,
        kind: 'decision',
        content: `${content}${dissent.length === 0 ? '' : `. Dissent: ${dissent.map((entry) => `${entry.voter} chose ${entry.option} (${entry.reason})`).join('; ')}`}`.slice(0, 60_000),
        tags: ['decision'],
        importance: 0.9,
        author: env.self,
        sourceIds: [],
      });
      return env.store.publish({
        id: `msg_consensus_${proposal.id}`.slice(0, 64),
        from: env.self,
        to: 'broadcast',
        type: 'consensus',
        content: content.slice(0, 60_000),
        metadata: { proposalId: proposal.id, status: outcome.status, winner, tieBreak: input.tieBreak ?? null, goalMet: input.goalMet ?? false, dissent, decisionId },
      });
    },
  }),
  defineTool({
    name: 'synthesize',
    description: 'Record a synthesis: an insight drawn from findings (sourceIds are the memory ids it came from), and share it.',
    input: z.strictObject({
      content: contentSchema.describe('The insight, in a few sentences.'),
      sourceIds: z.array(idSchema).min(1).max(200).describe('Ids of the memory items (mem_…) it draws on.'),
      tags: z.array(tagSchema).max(20).optional().describe('Short labels for search.'),
      importance: z.number().min(0).max(1).optional().describe('0 to 1 (default 0.7).'),
    }),
    run: async (input, env) => {
      const messageId = env.nextMessageId();
      const item = await env.store.remember({
        id: `mem_${messageId.slice(4)}`, kind: 'synthesis', content: input.content, tags: input.tags ?? [], importance: input.importance ?? 0.7, author: env.self, sourceIds: input.sourceIds,
      });
      await env.store.publish({
        id: messageId, from: env.self, to: 'broadcast', type: 'finding', content: input.content,
        metadata: { kind: 'synthesis', memoryId: item.id, sourceIds: input.sourceIds, tags: input.tags ?? [] },
      });
      return item;
    },
  }),
  defineTool({
    name: 'write_report',
    description: 'Builder: write report.md (Markdown) in the run directory, replacing any earlier version.',
    input: z.strictObject({
      markdown: z.string().min(1).refine((text) => Buffer.byteLength(text) <= MAX_REPORT_BYTES, 'report over 2 MiB').describe('The whole report, in Markdown.'),
    }),
    run: async (input, env) => {
      const path = runPaths(env.runDirectory).report;
      await writeFileAtomic(path, input.markdown);
      return { path, bytes: Buffer.byteLength(input.markdown) };
    },
  }),
];
