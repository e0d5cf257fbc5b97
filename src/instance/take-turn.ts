import type { Brain, TurnOutcome } from '../brain/brain.js';
import type { InstanceStatus, Message, Role } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';
import { allowedTools } from '../collective/roles.js';
import { ALL_TOOLS } from '../tools/all-tools.js';
import { type ToolCallRecord, createToolBox } from '../tools/create-tool-box.js';
import type { ToolDefinition } from '../tools/tool-definition.js';
import type { ChangeSettings } from '../workspace/change-settings.js';
import type { Governor } from '../governor/governor.js';
import { buildTurnContext } from './build-turn-context.js';
import type { InstanceStatusBoard } from './instance-status.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { Logger } from './instance-logger.js';

/** A turn that ends within this time publishes no status of its own, only its end (see `takeTurn`). */
export const DEFAULT_QUICK_TURN_MS = 250;

const WRITING_TOOLS = new Set(['send_message', 'share_finding', 'ask', 'answer', 'complete_task', 'fail_task', 'propose', 'vote']);

export interface TurnScope {
  id: string;
  role: Role;
  goal: string;
  workspace: string;
  runDirectory: string;
  store: CollectiveStore;
  brain: Brain;
  logger: Logger;
  stop: AbortSignal;
  board: InstanceStatusBoard;
  governor: Governor | undefined;
  tools: readonly ToolDefinition[] | undefined;
  leaseMs: number;
  quickTurnMs: number;
  /** Renews the leases this instance holds and reports those lost; absent in tests that drive turns by hand. */
  keeper?: LeaseKeeper;
  changes?: ChangeSettings;
}

export interface TurnResult {
  outcome: TurnOutcome;
  calls: readonly ToolCallRecord[];
  /** Were the turn's statuses published (it lasted longer than quickTurnMs)? */
  shown: boolean;
  /** The status before the turn, to restore on a skipped turn. */
  before: { status: InstanceStatus; lastActivity: string };
}

/** The files a read_files call asked for, logged so reads per file can be counted after a run (`tachikoma eval`). */
function readPaths(tool: string, input: unknown): { paths?: string[] } {
  if (tool !== 'read_files' || input === null || typeof input !== 'object') return {};
  const { paths } = input as { paths?: unknown };
  return Array.isArray(paths) ? { paths: paths.filter((path): path is string => typeof path === 'string').slice(0, 50) } : {};
}

/** A claim was just made (renew it now), or the coordinator role given up on purpose (no notice for it). */
function afterCall(keeper: LeaseKeeper | undefined, record: ToolCallRecord): void {
  if (keeper === undefined || !record.ok) return;
  const input = record.input as { action?: unknown } | null;
  if (record.tool === 'coordinator_lease' && input?.action === 'release') keeper.released();
  keeper.poke();
}

/**
 * One turn: the context is built, the brain acts through the tool box. The turn's statuses (thinking, tool,
 * writing) are published once it has lasted quickTurnMs: a quick look around leaves one change in the history
 * (its checkpoint), not four, and wakes nobody for nothing. A throw (the brain failed) is the caller's to handle.
 */
export async function takeTurn(scope: TurnScope, batch: readonly Message[], metadata: Record<string, unknown>): Promise<TurnResult> {
  const { board, governor } = scope;
  const before = { status: board.status, lastActivity: board.lastActivity };
  let shown = false;
  board.note('thinking', batch.length > 0 ? `reading ${batch.length} message(s)` : 'thinking');
  const reveal = setTimeout(() => {
    shown = true;
    board.show(board.status);
  }, scope.quickTurnMs);
  try {
    const context = await buildTurnContext({
      store: scope.store, self: scope.id, role: scope.role, iteration: board.iteration, goal: scope.goal, workspace: scope.workspace,
      inbox: [...batch], currentTaskId: board.currentTask.id, metadata, notices: scope.keeper?.takeNotices() ?? [],
    });
    // read_inbox starts after what this turn's prompt already shows.
    const seen = { seq: Math.max(0, ...context.inbox.map((message) => message.seq), ...context.recentMessages.map((message) => message.seq)) };
    const tools = createToolBox({
      tools: scope.tools ?? ALL_TOOLS, store: scope.store, self: scope.id, role: scope.role, signal: scope.stop, currentTask: board.currentTask,
      leaseMs: scope.leaseMs, seen, workspace: scope.workspace, runDirectory: scope.runDirectory, allowed: allowedTools(scope.role, true),
      ...(governor === undefined ? {} : { guard: (name: string, input: unknown) => governor.guard.check(name, input) }),
      turnKey: `${board.iteration}`,
      ...(scope.changes === undefined ? {} : { changes: scope.changes }),
      onCall: (phase, record) => {
        // Only a change of kind is written: a run of reads stays one 'tool' status, not two writes per call.
        const next: InstanceStatus = WRITING_TOOLS.has(record.tool) ? 'writing' : 'tool';
        if (phase === 'start' && next !== board.status) {
          if (shown) board.show(next, `using ${record.tool}`);
          else board.note(next, `using ${record.tool}`);
        }
        if (phase === 'end') afterCall(scope.keeper, record);
        if (phase === 'end') scope.logger.info({ event: 'tool', tool: record.tool, ok: record.ok, ms: Math.round(record.ms), error: record.error, ...readPaths(record.tool, record.input) }, `${record.tool} ${record.ok ? 'ok' : 'failed'}`);
      },
    });
    const outcome = await scope.brain.turn(context, tools, scope.stop, governor?.hooks());
    return { outcome, calls: tools.calls, shown, before };
  } finally {
    // Whatever ends the turn (an answer, a throw), its statuses are not published late.
    clearTimeout(reveal);
  }
}
