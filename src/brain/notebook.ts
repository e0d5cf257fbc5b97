import { z } from 'zod';

/** The store namespace of notebooks: one document per instance, keyed by the instance id. */
export const NOTEBOOK_NAMESPACE = 'notebook';

/** The notebook format written by this build; older versions are read as an empty notebook. */
export const NOTEBOOK_VERSION = 1;

/** One thing an instance did in a turn: said something, or called a tool and got a result. */
export const notebookEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({
    kind: z.literal('call'),
    /** The call's id, unique within the notebook (the model's id, prefixed with the turn). */
    id: z.string(),
    tool: z.string(),
    input: z.unknown(),
    ok: z.boolean(),
    /** The result as the model read it (JSON text), cut to a bound. */
    result: z.string(),
  }),
]);
/** One entry of a notebook turn. */
export type NotebookEntry = z.infer<typeof notebookEntrySchema>;

/** One turn as the instance lived it: what prompted it, and its steps in order (each step's entries). */
export const notebookTurnSchema = z.object({
  iteration: z.number().int().min(0),
  at: z.string(),
  /** What prompted the turn, in one line (e.g. "2 new messages: from human …"). */
  cue: z.string(),
  steps: z.array(z.array(notebookEntrySchema)),
});
/** One turn of a notebook. */
export type NotebookTurn = z.infer<typeof notebookTurnSchema>;

/**
 * An instance's working context across turns, kept in the store (namespace `notebook`, key = instance id) so
 * it survives a crash and `run --resume`: a compacted summary of older turns, then the recent turns whole.
 */
export const notebookSchema = z.object({
  version: z.literal(NOTEBOOK_VERSION),
  /** What the compacted turns did, one line per turn, oldest first. */
  summary: z.array(z.string()),
  /** How many turns were folded into the summary in all. */
  compactedTurns: z.number().int().min(0),
  turns: z.array(notebookTurnSchema),
  /** Proposal ids this instance voted on (newest last, bounded): lets a consensus shape its persona once. */
  voted: z.array(z.string()).default([]),
  /** Proposal ids whose outcome already shaped the persona. */
  learned: z.array(z.string()).default([]),
  /** A brain's own session to resume (the claude-agent brain's SDK session id). */
  sessionId: z.string().optional(),
});
/** A notebook document. */
export type Notebook = z.infer<typeof notebookSchema>;

/** A notebook with nothing in it. */
export function emptyNotebook(): Notebook {
  return { version: NOTEBOOK_VERSION, summary: [], compactedTurns: 0, turns: [], voted: [], learned: [] };
}

/** Reads a stored notebook value; anything unreadable (absent, another version, damaged) starts a fresh one. */
export function readNotebook(value: unknown): Notebook {
  const parsed = notebookSchema.safeParse(value);
  return parsed.success ? parsed.data : emptyNotebook();
}
