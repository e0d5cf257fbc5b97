import type { BoardTask, InstanceRecord, MemoryItem, Message, Role, Task } from '../protocol/index.js';
import type { ChangeSettings } from '../workspace/change-settings.js';
import type { Notebook } from './notebook.js';

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Everything an instance knows at the start of a turn; bounded in size however large the collective grows. */
export interface TurnContext {
  instance: { id: string; role: Role; iteration: number; metadata: Record<string, unknown> };
  goal: string;
  /** Workspace root the collective works on (absolute path). */
  workspace: string;
  /** New messages since the last turn: the human's first, then in order. */
  inbox: Message[];
  /** The task this instance holds, if any. */
  currentTask: Task | null;
  /** Memory relevant to this turn (best first). */
  memory: MemoryItem[];
  /** The latest messages this instance could see, oldest first, for continuity. */
  recentMessages: Message[];
  /** Every other instance as the registry last saw it. */
  peers: InstanceRecord[];
  /**
   * Open tasks on the board for this instance's role, each with its brief (scope, expected, doneWhen); those
   * marked `blocked` wait on unfinished dependencies (`waitingOn`) and cannot be claimed yet.
   */
  openTasks: BoardTask[];
  /** Open proposals: what to vote on, until when, and whether this instance has voted in the current round. Choices stay blind. */
  openProposals: OpenProposalView[];
  /** Which files and areas each instance has read, searched or audited (this instance first): the division of labour so far. */
  coverage: CoverageView[];
  /** Who holds the coordinator role now (the runtime renews it for its holder), or null when nobody does. */
  coordinator: { holder: string; expiresAt: string } | null;
  /** Things the runtime must tell the model, once (e.g. a lease it lost while the model was thinking). */
  notices: string[];
  /** This instance's notebook as last saved (see notebook.ts), or null when it has none yet; absent when not kept. */
  notebook?: unknown;
}

/** An open proposal as a turn sees it: no vote's choice or reason, only whether this instance voted. */
export interface OpenProposalView {
  id: string;
  /** `goal`: the "is the goal met?" vote. */
  kind: 'decision' | 'goal';
  title: string;
  detail: string;
  options: string[];
  rule: string;
  quorum: number;
  deadline: string;
  round: number;
  /** Votes cast in the current round (a count only). */
  votesCast: number;
  votedByMe: boolean;
  createdBy: string;
}

/** What one instance has covered: its areas (most recent first, capped) and how many there are in all. */
export interface CoverageView {
  instance: string;
  areas: string[];
  total: number;
}

export type { ToolBox, ToolResult, ToolSpec } from '../tools/tool-box.js';
export type { ModelCallHooks, TurnUsage } from '../governor/usage.js';
import type { ToolBox } from '../tools/tool-box.js';
import type { ModelCallHooks, TurnUsage } from '../governor/usage.js';

/** How a turn ended. `idle`: nothing left to do until a message arrives. `done`: this instance has finished the goal. */
export interface TurnOutcome {
  summary: string;
  idle: boolean;
  done?: boolean;
  /** Merged into the instance's registry metadata (e.g. its personality), so it survives restarts and is visible to all. */
  metadata?: Record<string, JsonValue>;
  /** Take the next turn after this long even without a message (e.g. to renew a lease); overrides `idle`. */
  nextTurnInMs?: number;
  usage?: TurnUsage;
  /**
   * The brain could not act on this turn's inbox (e.g. the model call failed): the instance does not move its
   * inbox cursor past these messages and presents them again on the next turn, and after a restart.
   */
  unhandled?: boolean;
  /**
   * The brain decided without acting because nothing changed since its last turn (no model call, no tool):
   * not counted as a turn by the governor.
   */
  skipped?: boolean;
  /**
   * Whether the turn changed something outside the tool box's record (e.g. files written by the brain's own
   * tools). The instance also counts any successful call of a tool that writes.
   */
  progress?: boolean;
  /** The instance's notebook after this turn: saved in the store at the turn's checkpoint, offered to the next turn. */
  notebook?: Notebook;
}

/**
 * A brain decides and acts for one instance, one turn at a time, only through the tools it is given. It must
 * return when `signal` aborts. Implementations: scripted (tests), heuristic (offline), LLM providers.
 */
export interface Brain {
  readonly name: string;
  /** The model the brain calls (prices its tokens), when it has one. */
  readonly model?: string;
  turn(context: TurnContext, tools: ToolBox, signal: AbortSignal, hooks?: ModelCallHooks): Promise<TurnOutcome>;
  /** Releases anything the brain holds (connections, child processes). */
  close?(): Promise<void>;
}

/** Everything a brain factory may need to build a brain for one instance. */
export interface BrainSetup {
  instanceId: string;
  role: Role;
  runDirectory: string;
  workspace: string;
  /** Brain-specific options from config or flags (validated by the brain). */
  options: Record<string, unknown>;
  /** How the run lets builders change code (its command allowlist): a brain with its own tools obeys it too. */
  changes?: ChangeSettings;
}
