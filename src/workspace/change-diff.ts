import { git, gitTopLevel } from './git.js';

/** Longest diff handed out at once: a browser panel and a terminal both stay usable. */
export const MAX_CHANGE_DIFF_CHARS = 200_000;

/** A change's diff (its commit's message subject, stat and patch), cut at a length (`MAX_CHANGE_DIFF_CHARS` by default). */
export interface ChangeDiff {
  commit: string;
  diff: string;
  truncated: boolean;
}

/**
 * The diff of one committed change, read from the user's repository (the change's commit lives there, on its own
 * branch). Null when the workspace is not in a git repository.
 */
export async function readChangeDiff(workspace: string, commit: string, maxChars = MAX_CHANGE_DIFF_CHARS): Promise<ChangeDiff | null> {
  // The ledger names commits by hash; anything else is not read (nor passed to git, where it could be an option).
  if (!/^[0-9a-f]{7,64}$/.test(commit)) throw new Error(`${JSON.stringify(commit.slice(0, 80))} is not a commit hash`);
  const repository = await gitTopLevel(workspace);
  if (repository === null) return null;
  const diff = await git(repository, ['show', '--stat', '--patch', '--format=%s%n', commit]);
  return { commit, diff: diff.slice(0, maxChars), truncated: diff.length > maxChars };
}
