import { z } from 'zod';

/**
 * Optional parts of a turn's context that the prompts render when the runtime provides them: open proposals,
 * who covered which files, notices about leases, and tasks' briefs and blocks. Parsed leniently: a field of
 * another shape is left out of the prompt, never an error.
 */

const text = z.string().min(1);

/** An open proposal as the instance sees it: enough to vote in time. */
export const openProposalViewSchema = z.looseObject({
  id: text,
  question: z.string().optional(),
  title: z.string().optional(),
  options: z.array(z.string()),
  deadline: z.string().optional(),
  round: z.number().optional(),
  voted: z.boolean().optional(),
  votedByMe: z.boolean().optional(),
  iVoted: z.boolean().optional(),
});
export type OpenProposalView = z.infer<typeof openProposalViewSchema>;

/** Files or areas read or covered, and by whom. */
export const coverageEntrySchema = z.looseObject({
  path: z.string().optional(),
  area: z.string().optional(),
  by: z.union([z.string(), z.array(z.string())]).optional(),
  instances: z.array(z.string()).optional(),
  readers: z.array(z.string()).optional(),
});
export type CoverageEntry = z.infer<typeof coverageEntrySchema>;

/** A notice from the runtime, e.g. that a lease was lost or renewed. */
export const noticeSchema = z.union([text, z.looseObject({ text: z.string().optional(), message: z.string().optional(), kind: z.string().optional() })]);
export type Notice = z.infer<typeof noticeSchema>;

/** A task's structured brief. */
export const taskBriefSchema = z.looseObject({
  objective: z.string().optional(),
  scope: z.union([z.string(), z.array(z.string())]).optional(),
  expectedOutput: z.string().optional(),
  doneWhen: z.string().optional(),
});
export type TaskBrief = z.infer<typeof taskBriefSchema>;

/** The lifecycle fields a TurnContext may carry. */
export interface LifecycleFields {
  openProposals?: unknown;
  coverage?: unknown;
  notices?: unknown;
  blockedTasks?: unknown;
}

/** The items of `value` that parse with `schema`; anything else (absent, another shape) gives none. */
export function parseItems<S extends z.ZodType>(schema: S, value: unknown): Array<z.output<S>> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Coverage as entries, from a list of entries or a map of path → instances. */
export function parseCoverage(value: unknown): CoverageEntry[] {
  if (Array.isArray(value)) return parseItems(coverageEntrySchema, value);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([path, by]) => {
    const parsed = coverageEntrySchema.safeParse({ path, by });
    return parsed.success ? [parsed.data] : [];
  });
}
