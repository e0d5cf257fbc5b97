import { appeal, dominantTrait, type Personality } from '../../collective/personality.js';
import { themeOfRecommendation } from '../../collective/themes.js';
import type { Proposal, Vote } from '../../protocol/index.js';
import { IDS, memoryListResult, proposalsResult, tasksResult, votesResult } from './heuristic-state.js';
import { act, tryUse, use } from './tool-calls.js';
import type { TurnScope } from './turn-scope.js';

/** How strongly the collective's syntheses back each theme (0..1), from `theme:<key>` tags. */
async function themeStrength(scope: TurnScope): Promise<Map<string, number>> {
  const syntheses = await use(scope.tools, 'list_memory', { kind: 'synthesis', order: 'importance', limit: 100 }, memoryListResult);
  const strength = new Map<string, number>();
  for (const item of syntheses) {
    const tag = item.tags.find((entry) => entry.startsWith('theme:'));
    if (tag !== undefined) strength.set(tag.slice(6), Math.max(strength.get(tag.slice(6)) ?? 0, item.importance));
  }
  return strength;
}

/** This personality's score for each option of a recommendation vote. */
export function scoreOptions(personality: Personality, options: readonly string[], strength: ReadonlyMap<string, number>): Map<string, number> {
  return new Map(
    options.map((option) => {
      const theme = themeOfRecommendation(option);
      const score = theme === undefined ? 0.3 : appeal(personality, theme.weights) + 0.35 * (strength.get(theme.key) ?? 0);
      return [option, Math.round(score * 1000) / 1000];
    }),
  );
}

function best(scores: ReadonlyMap<string, number>): [string, number] {
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? ['', 0];
}

async function goalVote(scope: TurnScope): Promise<{ option: string; reason: string }> {
  const tasks = await use(scope.tools, 'list_tasks', {}, tasksResult);
  const unfinished = tasks.filter((task) => task.state === 'open' || task.state === 'claimed').length;
  const failed = tasks.filter((task) => task.state === 'failed').length;
  const { caution } = scope.state.personality;
  if (unfinished > 0 || (failed > 0 && caution > 0.6)) {
    return { option: 'no', reason: `${unfinished} task(s) unfinished and ${failed} failed; my caution (${caution}) says the audit is not complete yet` };
  }
  return { option: 'yes', reason: `all ${tasks.length} tasks are done${failed > 0 ? ` (${failed} failed, recorded)` : ''} and report.md is written` };
}

async function firstRoundVote(scope: TurnScope, proposal: Proposal): Promise<{ option: string; reason: string }> {
  if (proposal.id.startsWith('prop_goal_met_')) return goalVote(scope);
  const scores = scoreOptions(scope.state.personality, proposal.options, await themeStrength(scope));
  const [option, score] = best(scores);
  const trait = dominantTrait(scope.state.personality);
  return { option, reason: `I value ${trait} (${scope.state.personality[trait]}); "${option}" scores highest for me (${score}) given what the findings show` };
}

/** In a debate round: read the others' reasons and change the vote only when the gap is small. */
async function debateVote(scope: TurnScope, proposal: Proposal, votes: readonly Vote[]): Promise<{ option: string; reason: string }> {
  const mine = votes.filter((vote) => vote.voter === scope.self).at(-1);
  const others = votes.filter((vote) => vote.voter !== scope.self && vote.round === 1);
  const tally = new Map<string, Vote[]>();
  for (const vote of others) tally.set(vote.option, [...(tally.get(vote.option) ?? []), vote]);
  const [leading, backers] = [...tally.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
  if (mine === undefined) return firstRoundVote(scope, proposal);
  if (leading === '' || leading === mine.option) return { option: mine.option, reason: `keeping ${mine.option}: the others' reasons agree with mine` };
  const scores = proposal.id.startsWith('prop_goal_met_') ? new Map([[mine.option, 1], [leading, 0.5]]) : scoreOptions(scope.state.personality, proposal.options, await themeStrength(scope));
  const gap = (scores.get(mine.option) ?? 0) - (scores.get(leading) ?? 0);
  const quoted = backers[0];
  if (gap < 0.08 && quoted !== undefined) {
    return { option: leading, reason: `changed from ${mine.option} to ${leading}: ${quoted.voter} argued "${quoted.reason.slice(0, 160)}", and the difference for me was small (${gap.toFixed(3)})` };
  }
  return { option: mine.option, reason: `still ${mine.option} after reading the debate: it outweighs ${leading} for me by ${gap.toFixed(3)}` };
}

/** Votes once per round on every open proposal this instance has not voted on yet. */
export async function voteOnOpenProposals(scope: TurnScope): Promise<void> {
  const open = await use(scope.tools, 'list_proposals', { state: 'open' }, proposalsResult);
  for (const proposal of open) {
    const key = `${proposal.id}:${proposal.round}`;
    if (scope.state.votedRounds.has(key)) continue;
    const votes = proposal.round > 1 ? await tryUse(scope.tools, 'read_votes', { proposalId: proposal.id }, votesResult) : null;
    if (votes?.some((vote) => vote.voter === scope.self && vote.round === proposal.round) === true) {
      scope.state.votedRounds.add(key);
      continue;
    }
    const choice = votes === null ? await firstRoundVote(scope, proposal) : await debateVote(scope, proposal, votes);
    const error = await act(scope.tools, 'vote', { proposalId: proposal.id, option: choice.option, reason: choice.reason });
    if (error === null || error.includes('already_voted')) scope.state.votedRounds.add(key);
    if (error === null) scope.notes.push(`voted ${choice.option} on ${proposal.id}${proposal.round > 1 ? ' (debate)' : ''}`);
  }
}

/** The option a coordinator picks to settle a tie: its own preference among the tied options. */
export function tieBreak(personality: Personality, proposal: Proposal, tied: readonly string[]): string {
  if (proposal.id === IDS.recommendation || !proposal.id.startsWith('prop_goal_met_')) {
    const scores = scoreOptions(personality, tied, new Map());
    return best(scores)[0] || (tied[0] ?? proposal.options[0] ?? '');
  }
  return personality.caution > 0.6 ? 'no' : 'yes';
}
