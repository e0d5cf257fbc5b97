import { z } from 'zod';
import { idSchema } from '../protocol/index.js';
import { parseAllowedCommand, runArgv } from '../workspace/allowed-command.js';
import { readChanges } from '../workspace/change-ledger.js';
import { allowedCommands } from '../workspace/change-settings.js';
import { readChangeDiff } from '../workspace/change-diff.js';
import { gitTopLevel } from '../workspace/git.js';
import { withScratchWorktree } from '../workspace/scratch-worktree.js';
import { type ToolDefinition, type ToolEnvironment, defineTool } from './tool-definition.js';

const MAX_DIFF_CHARS = 60_000;
const CHECK_TIMEOUT_MS = 180_000;
const MAX_CHECK_OUTPUT = 64 * 1024;

/** The change a "merge <branch>?" proposal is about, and the repository holding it. */
async function changeUnderVote(env: ToolEnvironment, proposalId: string): Promise<{ repository: string; commit: string; branch: string }> {
  const entry = readChanges(env.runDirectory).find((candidate) => candidate.event === 'committed' && candidate.proposalId === proposalId);
  if (entry?.event !== 'committed') throw new Error(`no change is under vote as ${proposalId}; list_proposals shows the "merge <branch>?" votes`);
  const repository = await gitTopLevel(env.workspace);
  if (repository === null) throw new Error('the workspace is not a git repository');
  return { repository, commit: entry.commit, branch: entry.branch };
}

/** Reviewing a change before voting on it: read its diff, run the allowlisted checks on it. */
export const REVIEW_TOOLS: readonly ToolDefinition[] = [
  defineTool({
    name: 'read_change',
    description: 'The diff of the change a "merge <branch>?" proposal is about (capped at 60,000 characters).',
    input: z.strictObject({ proposalId: idSchema.describe('Id of the merge proposal (merge_<task>).') }),
    run: async (input, env) => {
      const change = await changeUnderVote(env, input.proposalId);
      const diff = await readChangeDiff(change.repository, change.commit, MAX_DIFF_CHARS);
      if (diff === null) throw new Error(`the workspace is not a git repository: no diff for ${change.branch}`);
      return { branch: change.branch, ...diff };
    },
  }),
  defineTool({
    name: 'check_change',
    description: "Run one allowlisted command (e.g. the tests) on the change a \"merge <branch>?\" proposal is about, in a scratch checkout of it; no shell syntax.",
    input: z.strictObject({
      proposalId: idSchema.describe('Id of the merge proposal (merge_<task>).'),
      command: z.string().min(1).max(2000).describe('One command from the run\'s allowlist, run on a checkout of the change.'),
    }),
    run: async (input, env) => {
      const argv = parseAllowedCommand(input.command, allowedCommands(env.changes));
      const change = await changeUnderVote(env, input.proposalId);
      return withScratchWorktree(change.repository, env.runDirectory, change.commit, async (folder) => ({
        branch: change.branch,
        ...(await runArgv(argv, { cwd: folder, timeoutMs: CHECK_TIMEOUT_MS, maxOutputBytes: MAX_CHECK_OUTPUT, signal: env.signal })),
      }));
    },
  }),
];
