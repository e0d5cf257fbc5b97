import type { Task } from '../../protocol/index.js';
import type { TurnContext } from '../brain.js';
import { type LifecycleFields, type TaskBrief, noticeSchema, openProposalViewSchema, parseCoverage, parseItems, taskBriefSchema } from './lifecycle-context.js';
import { clip } from './clip.js';

/** How the collective works, in order: the protocol every instance follows. */
export const LIFECYCLE_STEPS = [
  'Plan: the coordinator (whoever holds coordinator_lease) breaks the goal into tasks with create_task, each with a brief in its detail — Objective, Scope (which files or areas; disjoint between tasks unless the task is a review), Expected output, Done when — and dependsOn for order.',
  'Work: claim one task (claim_task), stay within its scope (files a peer already covered need not be read again), and complete it (complete_task) with evidence: path:line references you actually read. Share each finding once (share_finding), with path:line evidence.',
  'Synthesis: once the work tasks are done, a reflector (or the coordinator) gathers the findings into insights (synthesize), pointing out duplicates and gaps.',
  'Deliverable: a builder (or the coordinator) writes the final report (write_report) from the findings and decisions, then completes the final task.',
  'Goal met?: the coordinator opens a vote (propose) asking whether the goal is met; everyone votes (vote) before the deadline with a reason of their own; the coordinator announces the outcome (announce_consensus, goalMet when it is).',
  'Stop: when the goal is met, finish what you hold and reply without calling tools.',
];

function proposalLine(value: ReturnType<typeof openProposalViewSchema.parse>): string {
  const voted = value.voted ?? value.votedByMe ?? value.iVoted;
  const question = value.question ?? value.title ?? '';
  const when = value.deadline === undefined ? '' : `, closes ${value.deadline}`;
  const round = value.round === undefined ? '' : `, round ${value.round}`;
  const mine = voted === undefined ? '' : voted ? ' — you voted' : ' — you have NOT voted: vote before the deadline';
  return `${value.id}${question === '' ? '' : ` "${clip(question, 200)}"`}: options ${value.options.map((option) => JSON.stringify(clip(option, 80))).join(', ')}${round}${when}${mine}`;
}

function coverageLine(entry: ReturnType<typeof parseCoverage>[number]): string | undefined {
  const place = entry.path ?? entry.area;
  if (place === undefined) return undefined;
  const by = entry.instances ?? entry.readers ?? (typeof entry.by === 'string' ? [entry.by] : entry.by) ?? [];
  return `${clip(place, 160)}${by.length === 0 ? '' : `: ${by.join(', ')}`}`;
}

function noticeLine(notice: ReturnType<typeof noticeSchema.parse>): string | undefined {
  if (typeof notice === 'string') return clip(notice, 300);
  const body = notice.text ?? notice.message;
  return body === undefined ? undefined : clip(`${notice.kind === undefined ? '' : `${notice.kind}: `}${body}`, 300);
}

function titled(title: string, lines: readonly string[], cap: number): string[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, cap).map((line) => `- ${line}`);
  return [`## ${title} (${lines.length})`, ...shown, ...(lines.length > cap ? [`- … ${lines.length - cap} more`] : []), ''];
}

/**
 * The lifecycle sections of a turn prompt, each only when the runtime provides its field: notices (a lease
 * lost or renewed), open proposals (id, options, deadline, round, whether I voted), tasks blocked by
 * unfinished dependencies (not claimable), and the coverage of files by peers.
 */
export function lifecycleSections(context: TurnContext & LifecycleFields): string[] {
  const notices = parseItems(noticeSchema, context.notices).flatMap((notice) => noticeLine(notice) ?? []);
  const proposals = parseItems(openProposalViewSchema, context.openProposals).map(proposalLine);
  const blocked = Array.isArray(context.blockedTasks) ? (context.blockedTasks as Task[]).filter((task) => typeof task.id === 'string').map((task) => `${task.id}: ${clip(task.title, 160)}${blockedBy(task)}`) : [];
  const coverage = parseCoverage(context.coverage).flatMap((entry) => coverageLine(entry) ?? []);
  return [
    ...titled('Notices', notices, 10),
    ...titled('Open proposals: vote on each before its deadline', proposals, 10),
    ...titled('Blocked tasks: not claimable until what they depend on is done', blocked, 10),
    ...titled('Coverage: files and areas already read or covered, and by whom (do not re-read without a reason)', coverage, 40),
  ];
}

/** ", blocked by a, b" when a task says it is blocked. */
export function blockedBy(task: Task): string {
  const extra = task as Task & { blocked?: unknown; blockedBy?: unknown };
  if (Array.isArray(extra.blockedBy) && extra.blockedBy.length > 0) return `, BLOCKED by ${extra.blockedBy.filter((id) => typeof id === 'string').join(', ')}`;
  return extra.blocked === true ? ', BLOCKED (not claimable yet)' : '';
}

/** A task's brief in one line (objective, scope, expected output, done when), when it carries one. */
export function briefLine(task: Task): string {
  const parsed = taskBriefSchema.safeParse((task as Task & { brief?: unknown }).brief);
  if (!parsed.success) return '';
  const brief: TaskBrief = parsed.data;
  const scope = Array.isArray(brief.scope) ? brief.scope.join(', ') : brief.scope;
  const parts = [
    brief.objective === undefined ? '' : `objective: ${clip(brief.objective, 200)}`,
    scope === undefined ? '' : `scope: ${clip(scope, 200)}`,
    brief.expectedOutput === undefined ? '' : `expected: ${clip(brief.expectedOutput, 150)}`,
    brief.doneWhen === undefined ? '' : `done when: ${clip(brief.doneWhen, 150)}`,
  ].filter((part) => part !== '');
  return parts.length === 0 ? '' : ` [brief — ${parts.join('; ')}]`;
}
