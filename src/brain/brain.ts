import type { z } from 'zod';
import type { InstanceRecord, MemoryItem, Message, Role, Task } from '../protocol/index.js';
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
  /** Open tasks on the board that this instance could claim. */
  openTasks: Task[];
  /** This instance's notebook as last saved (see notebook.ts), or null when it has none yet; absent when not kept. */
  notebook?: unknown;
}

/** What a tool returns to the brain: ok with data, or an error the brain can read and react to. */
export type ToolResult = { ok: true; data: unknown } | { ok: false; error: string };

/** A tool a brain may call: name, description, zod input schema. */
export interface ToolSpec {
  name: string;
  description: string;
  input: z.ZodType;
}

/** The tools a brain gets for one turn. Every call is validated, run, and recorded by the instance. */
export interface ToolBox {
  readonly specs: readonly ToolSpec[];
  call(name: string, input: unknown): Promise<ToolResult>;
}

/** Token use of one turn, when the brain knows it. */
export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  /** What the turn cost in USD, when the brain's provider reports it; otherwise the governor prices the tokens. */
  costUsd?: number;
}

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
  /** The instance's notebook after this turn: saved in the store at the turn's checkpoint, offered to the next turn. */
  notebook?: Notebook;
}

/**
 * A brain decides and acts for one instance, one turn at a time, only through the tools it is given. It must
 * return when `signal` aborts. Implementations: scripted (tests), heuristic (offline), LLM providers.
 */
export interface Brain {
  readonly name: string;
  turn(context: TurnContext, tools: ToolBox, signal: AbortSignal): Promise<TurnOutcome>;
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
}
