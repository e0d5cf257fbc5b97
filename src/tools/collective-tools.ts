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
  type Task,
  voteRuleSchema,
} from '../protocol/index.js';
import { rememberUnique } from '../memory/index.js';
import { FINDING_LEASE, underLease } from './short-lease.js';
import { nothingToClaim } from './board-views.js';
import { completeWithChange } from './submit-change.js';
import { type ToolDefinition, defineTool } from './tool-definition.js';

const findingInput = z.strictObject({
  content: contentSchema.describe('The finding in a few sentences: what is wrong or notable, and why it matters.'),
  evidence: z.array(evidenceSchema).max(50).optional().describe('Where it shows: "path:line" references (as read_files numbers them) or message ids.'),
  tags: z.array(tagSchema).max(20).optional().describe('Short labels for search, e.g. "bug", "security", a module name.'),
  importance: z.number().min(0).max(1).optional().describe('0 to 1 (default 0.5): how much it matters to the goal.'),
});

/** How long a vote stays open unless its proposer says otherwise: long enough for every model to take a turn. */
export const DEFAULT_VOTE_WINDOW_MS = 10 * 60_000;

const recipientField = recipientSchema.describe('Who receives it: an instance id (e.g. "instance_2"), "broadcast" for every instance, or "human".');

/** The tools every brain uses to take part in the collective. */
export const COLLECTIVE_TOOLS: readonly ToolDefinition[] = [
  defineTool({
    name: 'send_message',
    description: 'Send a message to one instance, to every instance ("broadcast") or to the human.',
    input: z.strictObject({
      to: recipientField,
      type: z.enum(['finding', 'question', 'answer', 'status']).describe('What kind of message it is.'),
      content: contentSchema.describe('The message text.'),
      metadata: metadataSchema.optional().describe('Optional JSON object carried with the message (e.g. {"inReplyTo": "msg_…"}).'),
    }),
    run: (input, env) =>
      env.store.publish({ id: env.nextMessageId(), from: env.self, to: input.to, type: input.type, content: input.content, metadata: input.metadata ?? {} }),
  }),
  defineTool({
    name: 'share_finding',
    description: 'Record a finding in collective memory and broadcast it. Evidence is path:line references. A finding someone already shared is not repeated (the answer names the earlier one).',
    input: findingInput,
    run: async (input, env) => {
      const messageId = env.nextMessageId();
      // Two instances sharing the same finding at the same moment: one at a time, so the second sees the first.
      const { item, duplicateOf } = await underLease(env, FINDING_LEASE, () => rememberUnique(env.store, {
        id: `mem_${messageId.slice(4)}`,
        kind: 'finding',
        content: input.content,
        tags: input.tags ?? [],
        importance: input.importance ?? 0.5,
        author: env.self,
        sourceIds: [],
      }));
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
    input: z.strictObject({
      to: recipientField.optional().describe('Who is asked: an instance id, or "broadcast" (default) for everyone.'),
      question: contentSchema.describe('The question.'),
    }),
    run: (input, env) => env.store.publish({ id: env.nextMessageId(), from: env.self, to: input.to ?? 'broadcast', type: 'question', content: input.question }),
  }),
  defineTool({
    name: 'answer',
    description: 'Answer a question; `inReplyTo` is the question message id.',
    input: z.strictObject({
      to: recipientField,
      inReplyTo: idSchema.optional().describe('Id of the question message answered (msg_…).'),
      answer: contentSchema.describe('The answer.'),
    }),
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
    description: 'Claim a task by id, or the next open one that fits this instance when no id is given. Tasks waiting on unfinished dependencies cannot be claimed. Fails, saying why, when there is nothing to claim.',
    input: z.strictObject({ taskId: idSchema.optional().describe('Id of the task to claim (task_…); omit to take the next one that fits.') }),
    run: async (input, env) => {
      const task =
        input.taskId === undefined
          ? await env.store.claimNext(env.self, { leaseMs: env.leaseMs, roles: [env.role] })
          : await env.store.claimTask(input.taskId, env.self, { leaseMs: env.leaseMs });
      if (task === null) throw new Error(await nothingToClaim(env));
      env.currentTask.id = task.id;
      return task;
    },
  }),
  defineTool({
    name: 'complete_task',
    description: 'Complete the task this instance holds, with a result and evidence (path:line or message ids).',
    input: z.strictObject({
      taskId: idSchema.describe('Id of the task this instance holds.'),
      result: textSchema.describe('What was done or found: the answer to the task\'s "expected".'),
      evidence: z.array(evidenceSchema).min(1).max(200).describe('At least one "path:line" reference or message id backing the result.'),
    }),
    run: async (input, env) => {
      const complete = (): Promise<Task> => env.store.completeTask(input.taskId, env.self, { result: input.result, evidence: input.evidence });
      const held = await env.store.getTask(input.taskId);
      // A builder's written work is committed for review, and its merge vote opened, once the task is complete.
      const { task, change } = held === null ? { task: await complete(), change: null } : await completeWithChange(env, held, complete);
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
    input: z.strictObject({
      taskId: idSchema.describe('Id of the task this instance holds.'),
      reason: textSchema.describe('Why it cannot be done.'),
    }),
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
    description: 'Open a vote among the instances: options, rule, quorum and how long it stays open. Votes stay blind (nobody sees a choice or reason) until it closes; it closes once the quorum has voted or at its deadline, and every instance is told the outcome. The "goal met?" vote is a proposal with goal: true and the options yes and no; when it passes with yes, a run started with --until-done ends once no task is left claimed.',
    input: z.strictObject({
      id: idSchema.optional().describe('Optional id (e.g. "goal_met_1"); proposing the same id again returns the existing proposal.'),
      goal: z.boolean().optional().describe('true: this is the "is the goal met?" vote (options exactly ["yes", "no"]); default false.'),
      title: titleSchema.describe('The question put to vote.'),
      detail: textSchema.optional().describe('Context the voters need to decide.'),
      options: z.array(z.string().min(1).max(500)).min(2).max(20).describe('The choices, at least two, distinct (e.g. ["yes", "no"]).'),
      rule: voteRuleSchema.optional().describe('How it is decided (default "majority" of the votes cast).'),
      quorum: z.number().int().min(1).max(1000).describe('Votes needed to decide: usually the number of instances.'),
      openForMs: z.number().int().min(1000).max(24 * 3600 * 1000).optional().describe(`How long it stays open, in ms (default ${DEFAULT_VOTE_WINDOW_MS}: 10 minutes).`),
    }),
    run: async (input, env) => {
      const existing = input.id === undefined ? null : await env.store.getProposal(input.id);
      if (existing !== null) return existing;
      const proposal = await env.store.openProposal({
        ...(input.id === undefined ? {} : { id: input.id }),
        kind: input.goal === true ? 'goal' : 'decision',
        title: input.title,
        detail: input.detail ?? '',
        options: input.options,
        rule: input.rule ?? 'majority',
        quorum: input.quorum,
        maxRounds: 2,
        deadline: new Date(Date.now() + (input.openForMs ?? DEFAULT_VOTE_WINDOW_MS)).toISOString(),
        createdBy: env.self,
      });
      await env.store.publish({
        id: env.nextMessageId(),
        from: env.self,
        to: 'broadcast',
        type: 'proposal',
        content: `${proposal.title} — options: ${proposal.options.join(' | ')}`,
        metadata: { proposalId: proposal.id, kind: proposal.kind, rule: proposal.rule, quorum: proposal.quorum, deadline: proposal.deadline },
      });
      return proposal;
    },
  }),
  defineTool({
    name: 'vote',
    description: 'Vote on an open proposal, once per round, with the reason for the choice. The vote stays blind: others learn only that you voted, until the proposal closes.',
    input: z.strictObject({
      proposalId: idSchema.describe('Id of the open proposal (prop_… or the id it was given).'),
      option: z.string().min(1).max(500).describe('One of the proposal\'s options, exactly as written.'),
      reason: textSchema.describe('Why this option: the evidence behind the choice.'),
    }),
    run: async (input, env) => {
      const vote = await env.store.castVote({ proposalId: input.proposalId, voter: env.self, option: input.option, reason: input.reason });
      // Only the fact of the vote leaves the store while the proposal is open: no option, no reason.
      await env.store.publish({
        id: env.nextMessageId(),
        from: env.self,
        to: 'broadcast',
        type: 'vote',
        content: `${env.self} voted on ${input.proposalId} (round ${vote.round})`,
        metadata: { proposalId: input.proposalId, round: vote.round },
      });
      return vote;
    },
  }),
  defineTool({
    name: 'search_memory',
    description: 'Search collective memory by words; best matches first.',
    input: z.strictObject({
      query: z.string().max(1000).describe('Words to look for.'),
      limit: z.number().int().min(1).max(50).optional().describe('Most results (default 10).'),
      kinds: z.array(memoryKindSchema).optional().describe('Only these kinds of memory (finding, synthesis, decision, …).'),
    }),
    run: (input, env) =>
      env.store.searchMemory(input.query, { limit: input.limit ?? 10, ...(input.kinds === undefined ? {} : { kinds: input.kinds }) }),
  }),
  defineTool({
    name: 'read_inbox',
    description: 'Messages to this instance (and broadcasts) that it has not seen yet: neither in this turn\'s prompt nor in an earlier read_inbox. With `after`, every message after that sequence number.',
    input: z.strictObject({
      after: z.number().int().min(0).optional().describe('Return messages with a sequence number (#) above this; omit for only the unseen ones.'),
      limit: z.number().int().min(1).max(200).optional().describe('Most messages (default 50).'),
    }),
    run: async (input, env) => {
      const messages = await env.store.readMessages({ audience: { instance: env.self }, after: input.after ?? env.seen.seq, limit: input.limit ?? 50 });
      const last = messages.at(-1);
      if (last !== undefined && last.seq > env.seen.seq) env.seen.seq = last.seq;
      return { messages, ...(messages.length === 0 ? { note: 'nothing new' } : {}) };
    },
  }),
  defineTool({
    name: 'peers_status',
    description: 'The registry: every instance with its role, status, current task and last heartbeat.',
    input: z.strictObject({ instance: instanceIdSchema.optional().describe('One instance id; omit for every instance.') }),
    run: async (input, env) => {
      const all = await env.store.listInstances();
      return input.instance === undefined ? all : all.filter((record) => record.id === input.instance);
    },
  }),
];
