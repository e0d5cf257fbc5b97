import type { BoardTask } from '../../protocol/index.js';
import type { CoverageView, OpenProposalView, TurnContext } from '../brain.js';
import { clip } from './clip.js';
/** How the collective works, in order: the protocol every instance follows. */
export const LIFECYCLE_STEPS = [
  'Plan: the coordinator (whoever holds coordinator_lease) breaks the goal into tasks with create_task, each with a brief in its detail — Objective, Scope (which files or areas; work tasks never share files, create_task refuses an overlap), Expected output, Done when — and dependsOn for order. Plan once: hand out every file in one work task each; a second look at covered files is a review task (kind "review"), made only when findings conflict or evidence is doubtful, never as a routine second pass.',
  'Work: claim one task (claim_task), read only the files in its scope (read_files refuses files a peer already read outside your scope: their findings are in memory), and complete it (complete_task) with evidence: path:line references you actually read. Share each finding once (share_finding), with path:line evidence. With no task to claim, wait: do not start unasked checks of other tasks\' files.',
  'Synthesis: once the work tasks are done, a reflector (or the coordinator) gathers the findings into insights (synthesize, when your role has it; otherwise in a task result), pointing out duplicates and gaps; to verify a finding, read only its cited lines (fromLine/toLine).',
  'Deliverable: a builder (or the coordinator) writes the final report from the findings and decisions (write_report when your role has it; otherwise as the final task\'s result), then completes the final task.',
  'Goal met?: the coordinator opens the goal vote (propose with goal: true, options yes and no) asking whether the goal is met; everyone votes (vote) before the deadline with a reason of their own; the coordinator announces the outcome (announce_consensus, goalMet when it is).',
  'Stop: when the goal is met, finish what you hold and reply without calling tools.',
];

function proposalLine(proposal: OpenProposalView): string {
  const mine = proposal.votedByMe ? ' — you voted' : ' — you have NOT voted: vote before the deadline';
  const options = proposal.options.map((option) => JSON.stringify(clip(option, 80))).join(', ');
  const kind = proposal.kind === 'goal' ? ' (the goal vote)' : '';
  return `${proposal.id}${kind} "${clip(proposal.title, 200)}": options ${options}, round ${proposal.round}, closes ${proposal.deadline}, ${proposal.votesCast} vote(s) cast${mine}`;
}

function coverageLine(view: CoverageView, self: string): string {
  const who = view.instance === self ? 'you' : view.instance;
  const more = view.total > view.areas.length ? ` … and ${view.total - view.areas.length} more` : '';
  return `${who} (${view.total}): ${view.areas.map((area) => clip(area, 120)).join(', ')}${more}`;
}

function titled(title: string, lines: readonly string[], cap: number): string[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, cap).map((line) => `- ${line}`);
  return [`## ${title} (${lines.length})`, ...shown, ...(lines.length > cap ? [`- … ${lines.length - cap} more`] : []), ''];
}

/**
 * The lifecycle sections of a turn prompt, each only when it has something: notices (a lease lost), open
 * proposals (id, options, deadline, round, whether I voted — never others' choices), who holds the coordinator
 * role, and the coverage of files and areas by each instance (the division of labour so far).
 */
export function lifecycleSections(context: TurnContext): string[] {
  const notices = (context.notices ?? []).map((notice) => clip(notice, 300));
  const proposals = (context.openProposals ?? []).map(proposalLine);
  const coverage = (context.coverage ?? []).filter((view) => view.total > 0).map((view) => coverageLine(view, context.instance.id));
  const coordinator = context.coordinator === undefined ? [] : [context.coordinator === null ? 'nobody holds the coordinator role: take it (coordinator_lease acquire) if the work needs planning' : `${context.coordinator.holder === context.instance.id ? 'you' : context.coordinator.holder} (until ${context.coordinator.expiresAt})`];
  return [
    ...titled('Notices', notices, 10),
    ...titled('Open proposals: vote on each before its deadline', proposals, 10),
    ...titled('Coordinator', coordinator, 1),
    ...titled('Coverage: files and areas already read, searched or audited, by whom (do not re-read without a reason)', coverage, 12),
  ];
}

/** ", BLOCKED by a, b" for a task waiting on unfinished dependencies. */
export function blockedBy(task: Partial<BoardTask>): string {
  if (task.blocked !== true) return '';
  return (task.waitingOn ?? []).length > 0 ? `, BLOCKED by ${(task.waitingOn ?? []).join(', ')} (not claimable yet)` : ', BLOCKED (not claimable yet)';
}

/** A task's brief in one line (scope, expected output, done when), when it carries one. */
export function briefLine(task: Partial<BoardTask>): string {
  const parts = [
    task.kind === 'review' ? 'review of covered work' : '',
    (task.scope ?? []).length === 0 ? '' : `scope: ${clip((task.scope ?? []).join(', '), 200)}`,
    (task.expected ?? '') === '' ? '' : `expected: ${clip(task.expected ?? '', 150)}`,
    (task.doneWhen ?? '') === '' ? '' : `done when: ${clip(task.doneWhen ?? '', 150)}`,
  ].filter((part) => part !== '');
  return parts.length === 0 ? '' : ` [brief — ${parts.join('; ')}]`;
}
