import { shiftPersonality } from '../../collective/personality.js';
import { themeOfRecommendation } from '../../collective/themes.js';
import { parseRecord } from '../../protocol/index.js';
import type { Brain, BrainSetup, ToolBox, TurnContext, TurnOutcome } from '../brain.js';
import { coordinate, holdCoordinatorRole } from './coordinator-duties.js';
import { converse } from './conversation.js';
import { type HeuristicState, heuristicOptionsSchema, loadState } from './heuristic-state.js';
import { workOnTask } from './task-work.js';
import type { TurnScope } from './turn-scope.js';
import { voteOnOpenProposals } from './voting.js';

/** A consensus message reaching an instance shifts its personality: winning or losing a vote shapes it. */
function learnFromConsensus(state: HeuristicState, context: TurnContext): void {
  for (const message of context.inbox) {
    if (message.type !== 'consensus') continue;
    const { winner, dissent, proposalId } = message.metadata;
    if (typeof proposalId !== 'string' || ![...state.votedRounds].some((key) => key.startsWith(`${proposalId}:`))) continue;
    const dissented = Array.isArray(dissent) && dissent.some((entry) => typeof entry === 'object' && entry !== null && 'voter' in entry && entry.voter === context.instance.id);
    const weights = typeof winner === 'string' ? themeOfRecommendation(winner)?.weights ?? {} : {};
    state.personality = shiftPersonality(state.personality, dissented ? { kind: 'vote_lost', winnerTraits: weights } : { kind: 'vote_won' });
  }
}

/**
 * The offline brain: audits the workspace as one member of the collective, through the same tools an LLM
 * brain uses. Each turn it takes or renews the coordinator role when free, talks (answers the human and its
 * peers from memory), votes, coordinates while it holds the role, then does one task that fits its role.
 */
export function createHeuristicBrain(setup: BrainSetup): Brain {
  const options = parseRecord(heuristicOptionsSchema, setup.options, 'heuristic brain options');
  let state: HeuristicState | undefined;
  return {
    name: 'heuristic',
    async turn(context: TurnContext, tools: ToolBox): Promise<TurnOutcome> {
      state ??= loadState(context.instance.id, context.instance.metadata, options);
      const scope: TurnScope = { context, tools, state, options, self: context.instance.id, role: context.instance.role, notes: [] };
      const isCoordinator = await holdCoordinatorRole(scope);
      learnFromConsensus(state, context);
      await converse(scope, isCoordinator);
      await voteOnOpenProposals(scope);
      if (isCoordinator) await coordinate(scope);
      const worked = await workOnTask(scope);
      const summary = scope.notes.length > 0 ? scope.notes.join('; ') : isCoordinator ? 'coordinating: nothing new' : 'nothing to do';
      return {
        summary: `${isCoordinator ? '[coordinator] ' : ''}${summary}`,
        idle: !worked,
        nextTurnInMs: worked ? 0 : Math.round(options.coordinatorLeaseMs / (isCoordinator ? 3 : 2)),
        metadata: { personality: state.personality, coordinator: isCoordinator },
      };
    },
  };
}
