import type { z } from 'zod';
import type { Role } from '../protocol/index.js';
import type { ChangeSettings } from '../workspace/change-settings.js';
import type { CollectiveStore } from '../store/index.js';

/** What a tool's run function is given besides its input. */
export interface ToolEnvironment {
  store: CollectiveStore;
  self: string;
  role: Role;
  signal: AbortSignal;
  /** A message id unique to this call within this turn, the same if the turn is replayed after a crash. */
  nextMessageId: () => string;
  /** The task this instance holds; tools that claim or finish tasks update it. */
  currentTask: { id: string | null };
  /** The highest message seq this instance has been shown (its turn's prompt, earlier read_inbox calls): read_inbox starts after it. */
  seen: { seq: number };
  /** Lease length for claims, in ms. */
  leaseMs: number;
  /** The workspace root (absolute); file tools are confined to it. */
  workspace: string;
  /** The run directory (absolute): where the report is written. */
  runDirectory: string;
  /** How this run lets builders change code (command allowlist, writing in place, review quorum). */
  changes?: ChangeSettings;
}

/** One tool: a name the brain calls it by, what it does, its input schema, and how it runs. */
export interface ToolDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: S;
  /** Characters of its result the model is shown, when the tool budgets its own output above the usual cut. */
  maxResultChars?: number;
  /** Roles allowed to call it; absent means every role. */
  roles?: readonly Role[];
  run(input: z.output<S>, environment: ToolEnvironment): Promise<unknown>;
}

/** Keeps the input type of a tool definition while storing it in a list of tools. */
export function defineTool<S extends z.ZodType>(definition: ToolDefinition<S>): ToolDefinition {
  return definition;
}
