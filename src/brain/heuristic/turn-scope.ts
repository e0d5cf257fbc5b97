import type { Role } from '../../protocol/index.js';
import type { ToolBox, TurnContext } from '../brain.js';
import type { HeuristicOptions, HeuristicState } from './heuristic-state.js';

/** Everything one heuristic turn works with. */
export interface TurnScope {
  context: TurnContext;
  tools: ToolBox;
  state: HeuristicState;
  options: HeuristicOptions;
  self: string;
  role: Role;
  /** Short notes of what this turn did, for the turn summary. */
  notes: string[];
}
