/** The top-level commands of `tachikoma` (src/cli/main.ts defines them; a test keeps the two in step). */
export const COMMAND_NAMES = ['run', 'instance', 'send', 'status', 'logs', 'tasks', 'changes', 'memory', 'stop', 'mcp', 'dashboard', 'export', 'eval'] as const;
