/**
 * The tools that only look: listing, reading, searching, status. A turn whose calls are all among these
 * changed nothing, so it does not count as progress, and with nothing to answer the instance goes idle.
 */
export const READ_ONLY_TOOLS: ReadonlySet<string> = new Set([
  'list_files', 'read_files', 'grep', 'audit_files',
  'search_memory', 'read_inbox', 'peers_status',
  'list_tasks', 'list_memory', 'list_proposals', 'read_votes',
]);

/** Whether a tool only reads. */
export function isReadOnlyTool(name: string): boolean {
  return READ_ONLY_TOOLS.has(name);
}
