import type { Problem } from './problem-set.js';

/** What the collective is asked to do on a problem; every condition gets the same words. */
export function problemGoal(problem: Problem): string {
  const { package: name, version, kind, summary } = problem.manifest;
  const find =
    `The workspace holds the npm package ${name}@${version}. ${summary} Defects were seeded into its source. ` +
    'Find each defect and share each one as a finding whose evidence is the path:line (or path:start-end) of the faulty code, e.g. index.js:42.';
  const fix =
    kind === 'fix'
      ? ' Then fix each defect so the package behaves as documented: a builder claims a task, edits the files in its own worktree (edit_file) and completes the task, which puts its change to a "merge <branch>?" vote; another instance reviews it (read_change, check_change) and votes (working alone, review and vote on your own). Only merged changes count: tests you cannot see will judge the integration branch.'
      : '';
  return `${find}${fix} When you are done, agree that the goal is met.`;
}
