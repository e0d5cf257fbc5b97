import { z } from 'zod';
import { textSchema, timestampSchema, titleSchema } from './common.js';
import { idSchema, instanceIdSchema, senderSchema } from './ids.js';

export const PROPOSAL_SCHEMA_VERSION = 1;

/** How a proposal is decided: more than half, at least two thirds, or every vote, of the votes cast. */
export const VOTE_RULES = ['majority', 'supermajority', 'unanimity'] as const;
export const voteRuleSchema = z.enum(VOTE_RULES);
export type VoteRule = z.infer<typeof voteRuleSchema>;

export const optionSchema = titleSchema;

/** The human's veto of a proposal: who vetoed it and why. */
export const vetoSchema = z.strictObject({
  by: senderSchema,
  reason: textSchema.refine((value) => value.trim().length > 0, 'a veto needs a reason'),
});
export type Veto = z.infer<typeof vetoSchema>;

/** How a closed proposal ended. A vetoed one has no winner, whatever its votes said, and carries the veto. */
export const outcomeSchema = z.strictObject({
  status: z.enum(['decided', 'split', 'tie', 'no_quorum', 'vetoed']),
  winner: optionSchema.nullable(),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  votesCast: z.number().int().nonnegative(),
  closedBy: z.enum(['quorum', 'deadline', 'manual', 'tie_break', 'veto']),
  closedAt: timestampSchema,
  veto: vetoSchema.optional(),
});
export type Outcome = z.infer<typeof outcomeSchema>;

/**
 * What a proposal decides: an ordinary `decision`, or `goal` — the collective's "is the goal met?" vote, whose
 * options are yes and no; a goal vote that passes with yes ends a run started with --until-done.
 */
export const PROPOSAL_KINDS = ['decision', 'goal'] as const;
export const proposalKindSchema = z.enum(PROPOSAL_KINDS);
export type ProposalKind = z.infer<typeof proposalKindSchema>;

/** A proposal: its options, the rule, quorum and deadline are fixed when it opens. */
export const proposalSchema = z.strictObject({
  id: idSchema,
  /** Records written before kinds existed are decisions. */
  kind: proposalKindSchema.default('decision'),
  title: titleSchema,
  detail: textSchema,
  options: z.array(optionSchema).min(2).max(20),
  rule: voteRuleSchema,
  quorum: z.number().int().positive().max(1000),
  deadline: timestampSchema,
  /** Current round: 1, then 2.. for each debate round opened on a split. */
  round: z.number().int().min(1).max(10),
  /** Rounds allowed: 1 means no debate; 2 means one debate round on a split or tie. */
  maxRounds: z.number().int().min(1).max(10),
  createdBy: senderSchema,
  createdAt: timestampSchema,
  state: z.enum(['open', 'closed']),
  outcome: outcomeSchema.nullable(),
});
export type Proposal = z.infer<typeof proposalSchema>;

export const newProposalSchema = z
  .strictObject({
    id: idSchema.optional(),
    kind: proposalKindSchema.optional(),
    title: titleSchema,
    detail: textSchema.optional(),
    options: z.array(optionSchema).min(2, 'a proposal needs at least two options').max(20),
    rule: voteRuleSchema,
    quorum: z.number().int().positive().max(1000),
    deadline: timestampSchema,
    maxRounds: z.number().int().min(1).max(10).optional(),
    createdBy: senderSchema,
  })
  .refine((value) => new Set(value.options).size === value.options.length, 'proposal options must be distinct')
  .refine((value) => value.kind !== 'goal' || isYesNo(value.options), { message: 'a goal vote has exactly the options "yes" and "no"', path: ['options'] });
export type NewProposal = z.input<typeof newProposalSchema>;

/** Whether `options` are exactly yes and no (any order and case). */
function isYesNo(options: readonly string[]): boolean {
  return options.length === 2 && options.map((option) => option.trim().toLowerCase()).sort().join('/') === 'no/yes';
}

/** One voter's vote: one per voter per proposal (per debate round), always with a reason. */
export const voteSchema = z.strictObject({
  proposalId: idSchema,
  voter: instanceIdSchema,
  option: optionSchema,
  reason: textSchema.refine((value) => value.trim().length > 0, 'a vote needs a reason'),
  round: z.number().int().min(1).max(10),
  castAt: timestampSchema,
});
export type Vote = z.infer<typeof voteSchema>;

export const newVoteSchema = voteSchema.omit({ castAt: true }).extend({
  round: z.number().int().min(1).max(10).optional(),
});
export type NewVote = z.input<typeof newVoteSchema>;
