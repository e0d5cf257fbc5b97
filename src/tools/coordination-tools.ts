import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { COORDINATOR_LEASE } from '../collective/roles.js';
import { runPaths } from '../core/run-paths.js';
import { contentSchema, idSchema, memoryKindSchema, optionSchema, roleSchema, tagSchema, taskStateSchema, textSchema, titleSchema } from '../protocol/index.js';
import { type ToolDefinition, type ToolEnvironment, defineTool } from './tool-definition.js';

const MAX_REPORT_BYTES = 2 * 1024 * 1024;

/** Throws unless the caller holds the coordinator lease right now. */
export async function requireCoordinator(env: ToolEnvironment, doing: string): Promise<void> {
  const lease = await env.store.getRoleLease(COORDINATOR_LEASE);
  if (lease?.holder !== env.self) {
    throw new Error(`only the coordinator may ${doing}; the coordinator is ${lease?.holder ?? 'nobody'} (take the role with coordinator_lease)`);
  }
}

/** Tools for working together: the board, votes, the coordinator role, syntheses and the report. */
export const COORDINATION_TOOLS: readonly ToolDefinition[] = [
  defineTool({
    name: 'list_tasks',
    description: 'The task board, optionally only tasks in one state.',
    input: z.strictObject({ state: taskStateSchema.optional() }),
    run: (input, env) => env.store.listTasks(input.state === undefined ? {} : { state: input.state }),
  }),
  defineTool({
    name: 'create_task',
    description: 'Coordinator only: put a task on the board, optionally for one role and after other tasks.',
    input: z.strictObject({
      id: idSchema.optional(),
      title: titleSchema,
      detail: textSchema.optional(),
      requiredRole: roleSchema.optional(),
      dependsOn: z.array(idSchema).max(200).optional(),
    }),
    run: async (input, env) => {
      await requireCoordinator(env, 'create tasks');
      const existing = input.id === undefined ? null : await env.store.getTask(input.id);
      if (existing !== null) return existing;
      return env.store.createTask({
        title: input.title,
        createdBy: env.self,
        ...(input.id === undefined ? {} : { id: input.id }),
        ...(input.detail === undefined ? {} : { detail: input.detail }),
        ...(input.requiredRole === undefined ? {} : { requiredRole: input.requiredRole }),
        ...(input.dependsOn === undefined ? {} : { dependsOn: input.dependsOn }),
      });
    },
  }),
  defineTool({
    name: 'release_task',
    description: 'Give a claimed task back to the board for someone else.',
    input: z.strictObject({ taskId: idSchema }),
    run: async (input, env) => {
      const task = await env.store.releaseTask(input.taskId, env.self);
      if (env.currentTask.id === task.id) env.currentTask.id = null;
      return task;
    },
  }),
  defineTool({
    name: 'list_memory',
    description: 'Collective memory by recency or importance, optionally one kind (finding, synthesis, decision).',
    input: z.strictObject({ kind: memoryKindSchema.optional(), order: z.enum(['recency', 'importance']).optional(), limit: z.number().int().min(1).max(1000).optional() }),
    run: (input, env) =>
      env.store.listMemory({ order: input.order ?? 'recency', limit: input.limit ?? 50, ...(input.kind === undefined ? {} : { kinds: [input.kind] }) }),
  }),
  defineTool({
    name: 'list_proposals',
    description: 'Proposals, open or closed, with their outcome when closed.',
    input: z.strictObject({ state: z.enum(['open', 'closed']).optional() }),
    run: (input, env) => env.store.listProposals(input.state === undefined ? {} : { state: input.state }),
  }),
  defineTool({
    name: 'read_votes',
    description: "Everyone's votes and reasons on a proposal: only once it is in a debate round or closed (votes are blind until then).",
    input: z.strictObject({ proposalId: idSchema }),
    run: async (input, env) => {
      const proposal = await env.store.getProposal(input.proposalId);
      if (proposal === null) throw new Error(`unknown proposal ${input.proposalId}`);
      if (proposal.state === 'open' && proposal.round === 1) throw new Error('votes are blind until a debate round opens or the vote closes');
      return env.store.listVotes(input.proposalId);
    },
  }),
  defineTool({
    name: 'coordinator_lease',
    description: 'Take or renew the coordinator role (one holder at a time, expires unless renewed), give it up, or see who holds it.',
    input: z.strictObject({ action: z.enum(['acquire', 'release', 'status']), ttlMs: z.number().int().min(1000).max(600_000).optional() }),
    run: async (input, env) => {
      if (input.action === 'status') return env.store.getRoleLease(COORDINATOR_LEASE);
      if (input.action === 'release') return { released: await env.store.releaseRoleLease(COORDINATOR_LEASE, env.self) };
      return env.store.acquireRoleLease(COORDINATOR_LEASE, env.self, { ttlMs: input.ttlMs ?? 15_000 });
    },
  }),
  defineTool({
    name: 'announce_consensus',
    description: 'Coordinator only: announce how a proposal ended (a tie is settled by `tieBreak`), keep the decision and the dissent in memory; `goalMet` says the goal is reached.',
    input: z.strictObject({
      proposalId: idSchema,
      tieBreak: optionSchema.optional(),
      goalMet: z.boolean().optional(),
      summary: textSchema.optional(),
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
    input: z.strictObject({ content: contentSchema, sourceIds: z.array(idSchema).min(1).max(200), tags: z.array(tagSchema).max(20).optional(), importance: z.number().min(0).max(1).optional() }),
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
    input: z.strictObject({ markdown: z.string().min(1).refine((text) => Buffer.byteLength(text) <= MAX_REPORT_BYTES, 'report over 2 MiB') }),
    run: async (input, env) => {
      const path = runPaths(env.runDirectory).report;
      await writeFileAtomic(path, input.markdown);
      return { path, bytes: Buffer.byteLength(input.markdown) };
    },
  }),
];
