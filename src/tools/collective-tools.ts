import { z } from 'zod';
import {
  contentSchema,
  evidenceSchema,
  idSchema,
  instanceIdSchema,
  memoryKindSchema,
  metadataSchema,
  recipientSchema,
  tagSchema,
  textSchema,
  titleSchema,
  voteRuleSchema,
} from '../protocol/index.js';
import { rememberUnique } from '../memory/index.js';
import { submitChange } from './submit-change.js';
import { type ToolDefinition, defineTool } from './tool-definition.js';

const findingInput = z.strictObject({
  content: contentSchema,
  evidence: z.array(evidenceSchema).max(50).optional(),
  tags: z.array(tagSchema).max(20).optional(),
  importance: z.number().min(0).max(1).optional(),
});

/** The tools every brain uses to take part in the collective. */
export const COLLECTIVE_TOOLS: readonly ToolDefinition[] = [
  defineTool({
    name: 'send_message',
    description: 'Send a message to one instance, to every instance ("broadcast") or to the human.',
    input: z.strictObject({
      to: recipientSchema,
      type: z.enum(['finding', 'question', 'answer', 'status']),
      content: contentSchema,
      metadata: metadataSchema.optional(),
    }),
    run: (input, env) =>
      env.store.publish({ id: env.nextMessageId(), from: env.self, to: input.to, type: input.type, content: input.content, metadata: input.metadata ?? {} }),
  }),
  defineTool({
    name: 'share_finding',
    description: 'Record a finding in collective memory and broadcast it. Evidence is path:line references.',
    input: findingInput,
    run: async (input, env) => {
      const messageId = env.nextMessageId();
      const { item, duplicateOf } = await rememberUnique(env.store, {
        id: `mem_${messageId.slice(4)}`,
        kind: 'finding',
        content: input.content,
        tags: input.tags ?? [],
        importance: input.importance ?? 0.5,
        author: env.self,
        sourceIds: [],
      });
      // A near-identical finding is already in memory: say so instead of repeating it to everyone.
      if (duplicateOf !== null) return { memoryId: item.id, duplicateOf, shared: false };
      const message = await env.store.publish({
        id: messageId,
        from: env.self,
        to: 'broadcast',
        type: 'finding',
        content: input.content,
        metadata: { memoryId: item.id, evidence: input.evidence ?? [], tags: input.tags ?? [] },
      });
      return { memoryId: item.id, messageId: message.id, seq: message.seq };
    },
  }),
  defineTool({
    name: 'ask',
    description: 'Ask a question of one instance or of everyone.',
    input: z.strictObject({ to: recipientSchema.optional(), question: contentSchema }),
    run: (input, env) => env.store.publish({ id: env.nextMessageId(), from: env.self, to: input.to ?? 'broadcast', type: 'question', content: input.question }),
  }),
  defineTool({
    name: 'answer',
    description: 'Answer a question; `inReplyTo` is the question message id.',
    input: z.strictObject({ to: recipientSchema, inReplyTo: idSchema.optional(), answer: contentSchema }),
    run: (input, env) =>
      env.store.publish({
        id: env.nextMessageId(),
        from: env.self,
        to: input.to,
        type: 'answer',
        content: input.answer,
        metadata: input.inReplyTo === undefined ? {} : { inReplyTo: input.inReplyTo },
      }),
  }),
  defineTool({
    name: 'claim_task',
    description: 'Claim a task by id, or the next one that fits this instance when no id is given.',
    input: z.strictObject({ taskId: idSchema.optional() }),
    run: async (input, env) => {
      const task =
        input.taskId === undefined
          ? await env.store.claimNext(env.self, { leaseMs: env.leaseMs, roles: [env.role] })
          : await env.store.claimTask(input.taskId, env.self, { leaseMs: env.leaseMs });
      if (task !== null) env.currentTask.id = task.id;
      return task;
    },
  }),
  defineTool({
    name: 'complete_task',
    description: 'Complete the task this instance holds, with a result and evidence (path:line or message ids).',
    input: z.strictObject({ taskId: idSchema, result: textSchema, evidence: z.array(evidenceSchema).min(1).max(200) }),
    run: async (input, env) => {
      const held = await env.store.getTask(input.taskId);
      // A builder's written work is committed for review before the task counts as done.
      const change = held === null ? null : await submitChange(env, held);
      const task = await env.store.completeTask(input.taskId, env.self, { result: input.result, evidence: input.evidence });
      await env.store.publish({
        id: env.nextMessageId(),
        from: env.self,
        to: 'broadcast',
        type: 'task_complete',
        content: `${task.title}: ${input.result}`.slice(0, 4000),
        metadata: { taskId: task.id, evidence: input.evidence.slice(0, 50) },
      });
      if (env.currentTask.id === task.id) env.currentTask.id = null;
      return change === null ? task : { ...task, change };
    },
  }),
  defineTool({
    name: 'fail_task',
    description: 'Report that the task this instance holds cannot be done, and why. Never report a failure as success.',
    input: z.strictObject({ taskId: idSchema, reason: textSchema }),
    run: async (input, env) => {
      const task = await env.store.failTask(input.taskId, env.self, input.reason);
      await env.store.publish({
        id: env.nextMessageId(),
        from: env.self,
        to: 'broadcast',
        type: 'task_failed',
        content: `${task.title}: ${input.reason}`.slice(0, 4000),
        metadata: { taskId: task.id },
      });
      if (env.currentTask.id === task.id) env.currentTask.id = null;
      return task;
    },
  }),
  defineTool({
    name: 'propose',
    description: 'Open a vote among the instances: options, rule, quorum and how long it stays open.',
    input: z.strictObject({
      id: idSchema.optional(),
      title: titleSchema,
      detail: textSchema.optional(),
      options: z.array(z.string().min(1).max(500)).min(2).max(20),
      rule: voteRuleSchema.optional(),
      quorum: z.number().int().min(1).max(1000),
      openForMs: z.number().int().min(1000).max(24 * 3600 * 1000).optional(),
    }),
    run: async (input, env) => {
      const existing = input.id === undefined ? null : await env.store.getProposal(input.id);
      if (existing !== null) return existing;
      const proposal = await env.store.openProposal({
        ...(input.id === undefined ? {} : { id: input.id }),
        title: input.title,
        detail: input.detail ?? '',
        options: input.options,
        rule: input.rule ?? 'majority',
        quorum: input.quorum,
        maxRounds: 2,
        deadline: new Date(Date.now() + (input.openForMs ?? 60_000)).toISOString(),
        createdBy: env.self,
      });
      await env.store.publish({
        id: env.nextMessageId(),
        from: env.self,
        to: 'broadcast',
        type: 'proposal',
        content: `${proposal.title} — options: ${proposal.options.join(' | ')}`,
        metadata: { proposalId: proposal.id, rule: proposal.rule, quorum: proposal.quorum, deadline: proposal.deadline },
      });
      return proposal;
    },
  }),
  defineTool({
    name: 'vote',
    description: 'Vote on an open proposal, once, with the reason for the choice.',
    input: z.strictObject({ proposalId: idSchema, option: z.string().min(1).max(500), reason: textSchema }),
    run: async (input, env) => {
      const vote = await env.store.castVote({ proposalId: input.proposalId, voter: env.self, option: input.option, reason: input.reason });
      await env.store.publish({
        id: env.nextMessageId(),
        from: env.self,
        to: 'broadcast',
        type: 'vote',
        content: `${input.option}: ${input.reason}`.slice(0, 4000),
        metadata: { proposalId: input.proposalId, option: input.option, round: vote.round },
      });
      return vote;
    },
  }),
  defineTool({
    name: 'search_memory',
    description: 'Search collective memory by words; best matches first.',
    input: z.strictObject({ query: z.string().max(1000), limit: z.number().int().min(1).max(50).optional(), kinds: z.array(memoryKindSchema).optional() }),
    run: (input, env) =>
      env.store.searchMemory(input.query, { limit: input.limit ?? 10, ...(input.kinds === undefined ? {} : { kinds: input.kinds }) }),
  }),
  defineTool({
    name: 'read_inbox',
    description: 'Read messages addressed to this instance (and broadcasts) after a sequence number.',
    input: z.strictObject({ after: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(200).optional() }),
    run: (input, env) => env.store.readMessages({ audience: { instance: env.self }, after: input.after ?? 0, limit: input.limit ?? 50 }),
  }),
  defineTool({
    name: 'peers_status',
    description: 'The registry: every instance with its role, status, current task and last heartbeat.',
    input: z.strictObject({ instance: instanceIdSchema.optional() }),
    run: async (input, env) => {
      const all = await env.store.listInstances();
      return input.instance === undefined ? all : all.filter((record) => record.id === input.instance);
    },
  }),
];
