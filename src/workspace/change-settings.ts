import { z } from 'zod';

/** Commands a run may execute when its config names none: checks that read, build nothing outside the worktree. */
export const DEFAULT_COMMANDS: readonly string[] = ['npm test', 'node --test', 'git diff', 'git status', 'git log'];

/**
 * How a run lets builders change code: the commands `run_command` may run (each an exact prefix of words, e.g.
 * "npm test"), whether writing in place is allowed when the workspace is not a git repository, and how many votes a
 * "merge <branch>?" proposal needs.
 */
export const changeSettingsSchema = z.strictObject({
  commands: z.array(z.string().min(1).max(200)).max(100).optional(),
  allowWriteInPlace: z.boolean().optional(),
  reviewQuorum: z.number().int().min(1).max(32).optional(),
});
export type ChangeSettings = z.infer<typeof changeSettingsSchema>;

/** The allowlist in force: the configured one, or the default read-only set. */
export function allowedCommands(settings: ChangeSettings | undefined): readonly string[] {
  return settings?.commands ?? DEFAULT_COMMANDS;
}
