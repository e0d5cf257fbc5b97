import type { Role } from '../protocol/index.js';

/** The lease name of the coordinator role. */
export const COORDINATOR_LEASE = 'coordinator';

/** Tools every role may use. */
const COMMON_TOOLS = [
  'send_message', 'ask', 'answer', 'vote', 'search_memory', 'read_inbox', 'peers_status', 'list_tasks', 'list_proposals',
  'read_votes', 'coordinator_lease', 'propose', 'list_memory', 'list_files', 'read_files', 'grep', 'audit_files', 'read_change', 'check_change', 'claim_task', 'complete_task', 'fail_task', 'release_task',
] as const;

/** What each base role may do beyond the common tools. */
const ROLE_TOOLS: Record<Role, readonly string[]> = {
  explorer: ['share_finding'],
  builder: ['share_finding', 'write_report', 'edit_file', 'write_file', 'run_command'],
  reflector: ['synthesize', 'share_finding'],
  coordinator: ['share_finding', 'synthesize'],
};

/** Powers that come with holding the coordinator lease, whatever the base role. */
const COORDINATOR_TOOLS = ['create_task', 'announce_consensus'] as const;

/** The tools an instance with this base role may use, given whether it holds the coordinator lease now. */
export function allowedTools(role: Role, isCoordinator: boolean): ReadonlySet<string> {
  return new Set<string>([
    ...COMMON_TOOLS,
    ...ROLE_TOOLS[role],
    ...(isCoordinator || role === 'coordinator' ? COORDINATOR_TOOLS : []),
  ]);
}

/** Whether a tool needs the coordinator lease. */
export function needsCoordinator(tool: string): boolean {
  return (COORDINATOR_TOOLS as readonly string[]).includes(tool);
}

/** Roles that prefer a kind of task, best first; the heuristic brain claims in this order. */
export const TASK_PREFERENCES: Record<Role, readonly string[]> = {
  explorer: ['audit', 'cross', 'focus'],
  builder: ['report', 'focus', 'audit', 'cross'],
  reflector: ['synthesis', 'cross', 'audit'],
  coordinator: ['audit', 'cross'],
};
