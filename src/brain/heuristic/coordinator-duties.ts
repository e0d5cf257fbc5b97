import type { Proposal, Task } from '../../protocol/index.js';
import { THEMES } from '../../collective/themes.js';
import { planAuditUnits } from '../../audit/index.js';
import { isSourcePath } from '../../audit/source-language.js';
import { IDS, fileListResult, leaseResult, memoryListResult, proposalsResult, taskKind, tasksResult } from './heuristic-state.js';
import { act, tryUse, use } from './tool-calls.js';
import type { TurnScope } from './turn-scope.js';
import { tieBreak } from './voting.js';

/** Takes or renews the coordinator role unless this instance just handed it on; true while it holds it. */
export async function holdCoordinatorRole(scope: TurnScope): Promise<boolean> {
  const { state, context } = scope;
  if (!state.leftoverChecked) {
    state.leftoverChecked = true;
    // A lease in this instance's name at its first turn belongs to a previous life of this process (it crashed):
    // hand it on, so another instance coordinates rather than a restarted one picking up mid-stride.
    const lease = await tryUse(scope.tools, 'coordinator_lease', { action: 'status' }, leaseResult);
    if (lease?.holder === scope.self) {
      await act(scope.tools, 'coordinator_lease', { action: 'release' });
      state.releasedAt = context.instance.iteration;
      scope.notes.push('released the coordinator role left by a previous life of this instance');
      return false;
    }
  }
  if (state.releasedAt !== null && context.instance.iteration - state.releasedAt < 3) return false;
  const lease = await tryUse(scope.tools, 'coordinator_lease', { action: 'acquire', ttlMs: scope.options.coordinatorLeaseMs }, leaseResult);
  return lease?.holder === scope.self;
}

/** Hands the coordinator role on after its term, when someone else is alive to take it. */
async function rotate(scope: TurnScope): Promise<void> {
  const { state } = scope;
  state.coordinatorTurns += 1;
  const othersAlive = scope.context.peers.some((peer) => !['stopped', 'crashed'].includes(peer.status));
  if (state.coordinatorTurns < scope.options.coordinatorTermTurns || !othersAlive) return;
  await act(scope.tools, 'coordinator_lease', { action: 'release' });
  state.releasedAt = scope.context.instance.iteration;
  state.coordinatorTurns = 0;
  scope.notes.push('handed the coordinator role on');
}

/** Splits the workspace into audit tasks, one cross-module task, and the synthesis that waits on them. */
async function planAudit(scope: TurnScope): Promise<void> {
  const files = (await use(scope.tools, 'list_files', { limit: 5000 }, fileListResult)).files;
  const units = planAuditUnits(files.filter(isSourcePath), scope.options.filesPerTask);
  const ids: string[] = [];
  for (const [index, unit] of units.entries()) {
    const id = IDS.auditTask(index);
    ids.push(id);
    await act(scope.tools, 'create_task', { id, title: `Audit ${unit.name}`, detail: `Audit these ${unit.paths.length} files:\n${unit.paths.map((path) => `- ${path}`).join('\n')}` });
  }
  await act(scope.tools, 'create_task', { id: IDS.crossTask, title: 'Cross-module analysis: untested modules, import cycles, duplicated code', detail: 'Look across the whole workspace.' });
  scope.notes.push(`planned ${units.length} audit task(s) over ${files.length} file(s)`);
}

/** Announces every closed proposal once; settles ties; opens follow-up work the decision implies. */
async function announceClosed(scope: TurnScope, proposals: readonly Proposal[]): Promise<void> {
  for (const proposal of proposals) {
    if (proposal.state !== 'closed' || proposal.outcome === null || scope.state.announced.has(proposal.id)) continue;
    const { outcome } = proposal;
    const top = Math.max(...Object.values(outcome.counts));
    const tied = Object.entries(outcome.counts).filter(([, count]) => count === top).map(([option]) => option);
    const settle = outcome.status === 'tie' || outcome.status === 'split' ? tieBreak(scope.state.personality, proposal, tied) : undefined;
    const isGoal = proposal.id.startsWith('prop_goal_met_');
    const goalRound = isGoal ? Number(proposal.id.slice('prop_goal_met_'.length)) : 0;
    const winner = outcome.winner ?? settle;
    const goalMet = isGoal && (winner === 'yes' || goalRound >= scope.options.maxGoalVotes);
    const exploreBoth = !isGoal && outcome.status === 'tie' && tied.length === 2 && scope.state.personality.novelty > 0.6;
    const summary = exploreBoth ? 'The coordinator chose to explore both tied options.' : goalMet && winner !== 'yes' ? `Goal votes exhausted (${goalRound}); the audit closes with the dissent recorded.` : undefined;
    const error = await act(scope.tools, 'announce_consensus', {
      proposalId: proposal.id,
      ...(settle === undefined || outcome.status === 'no_quorum' ? {} : { tieBreak: settle }),
      ...(isGoal ? { goalMet } : {}),
      ...(summary === undefined ? {} : { summary }),
    });
    if (error !== null) continue;
    scope.state.announced.add(proposal.id);
    scope.notes.push(`announced consensus on ${proposal.id}: ${winner ?? outcome.status}`);
    if (exploreBoth) {
      for (const option of tied) {
        const theme = THEMES.find((entry) => entry.recommendation === option);
        await act(scope.tools, 'create_task', { id: `task_explore_${theme?.key ?? 'option'}`, title: `Explore: ${option}`, detail: 'Tied vote: explore this option further and report findings.' });
      }
    }
    if (isGoal && !goalMet) {
      await act(scope.tools, 'create_task', { id: `task_focus_recheck_${goalRound}`, title: 'Re-check the audit before declaring the goal met', detail: 'The goal vote said no: re-audit the hottest files.\n' });
    }
  }
}

/** Opens the recommendation vote, the report task and the goal vote as the audit reaches each stage. */
async function advanceStages(scope: TurnScope, proposals: readonly Proposal[], tasks: readonly Task[]): Promise<void> {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const auditsFinished = tasks.filter((task) => ['audit', 'cross'].includes(taskKind(task.id))).every((task) => task.state === 'done' || task.state === 'failed');
  if (auditsFinished && !byId.has(IDS.synthesisTask)) {
    const roles = new Set([scope.role, ...scope.context.peers.map((peer) => peer.role)]);
    await act(scope.tools, 'create_task', {
      id: IDS.synthesisTask,
      title: 'Synthesise the findings into themes',
      detail: 'Group the findings into themes, each linked to the findings it comes from.',
      ...(roles.has('reflector') ? { requiredRole: 'reflector' } : {}),
    });
    scope.notes.push('every audit is finished: created the synthesis task');
  }
  const voters = 1 + scope.context.peers.filter((peer) => !['stopped', 'crashed'].includes(peer.status)).length;
  const deadline = scope.options.voteWindowMs;
  if (byId.get(IDS.synthesisTask)?.state === 'done' && !proposals.some((proposal) => proposal.id === IDS.recommendation)) {
    const syntheses = await use(scope.tools, 'list_memory', { kind: 'synthesis', order: 'importance', limit: 20 }, memoryListResult);
    const themes = syntheses.flatMap((item) => THEMES.filter((theme) => item.tags.includes(`theme:${theme.key}`))).slice(0, 3);
    const options = [...new Set(themes.map((theme) => theme.recommendation))];
    while (options.length < 2) options.push(THEMES.find((theme) => !options.includes(theme.recommendation))?.recommendation ?? 'Keep the code as it is');
    await act(scope.tools, 'propose', { id: IDS.recommendation, title: 'Which recommendation should the team act on first?', options, rule: 'majority', quorum: voters, openForMs: deadline });
    scope.notes.push('opened the recommendation vote');
  }
  const recommendation = proposals.find((proposal) => proposal.id === IDS.recommendation);
  if (recommendation?.state === 'closed' && scope.state.announced.has(recommendation.id) && !byId.has(IDS.reportTask)) {
    const roles = new Set([scope.role, ...scope.context.peers.map((peer) => peer.role)]);
    await act(scope.tools, 'create_task', { id: IDS.reportTask, title: 'Write report.md', detail: 'Summary, findings by theme with evidence, decisions with votes and dissent.', ...(roles.has('builder') ? { requiredRole: 'builder' } : {}) });
    scope.notes.push('created the report task');
  }
  const unfinished = tasks.some((task) => task.state === 'open' || task.state === 'claimed');
  const goals = proposals.filter((proposal) => proposal.id.startsWith('prop_goal_met_'));
  const goalOpen = goals.some((proposal) => proposal.state === 'open' || !scope.state.announced.has(proposal.id));
  const goalReached = goals.some((proposal) => proposal.outcome?.winner === 'yes');
  if (byId.get(IDS.reportTask)?.state === 'done' && !unfinished && !goalOpen && !goalReached && goals.length < scope.options.maxGoalVotes) {
    const round = goals.length + 1;
    await act(scope.tools, 'propose', { id: IDS.goal(round), goal: true, title: 'The audit is complete and report.md is written: is the goal met?', options: ['yes', 'no'], rule: 'majority', quorum: voters, openForMs: deadline });
    scope.notes.push(`opened goal vote ${round}`);
  }
}

/** One coordinator turn: plan, announce, advance, rotate. */
export async function coordinate(scope: TurnScope): Promise<void> {
  let tasks = await use(scope.tools, 'list_tasks', {}, tasksResult);
  if (!tasks.some((task) => taskKind(task.id) === 'audit')) {
    await planAudit(scope);
    tasks = await use(scope.tools, 'list_tasks', {}, tasksResult);
  }
  const proposals = await use(scope.tools, 'list_proposals', {}, proposalsResult);
  for (const proposal of proposals) if (proposal.state === 'closed' && proposal.outcome !== null) await markAnnounced(scope, proposal);
  await announceClosed(scope, proposals);
  await advanceStages(scope, await use(scope.tools, 'list_proposals', {}, proposalsResult), tasks);
  await rotate(scope);
}

/** A proposal announced by an earlier coordinator counts as announced (its decision is in memory). */
async function markAnnounced(scope: TurnScope, proposal: Proposal): Promise<void> {
  if (scope.state.announced.has(proposal.id)) return;
  const decisions = await use(scope.tools, 'list_memory', { kind: 'decision', order: 'recency', limit: 100 }, memoryListResult);
  if (decisions.some((item) => item.id === `mem_decision_${proposal.id}`.slice(0, 64))) scope.state.announced.add(proposal.id);
}
