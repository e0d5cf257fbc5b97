import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { commandRefusal } from '../../workspace/allowed-command.js';
import { resolveInWorkspace } from '../../workspace/workspace-path.js';
import { COLLECTIVE_SERVER } from './collective-mcp-server.js';

/** What the agent may do with its own (built-in) tools. */
export interface AgentToolPolicy {
  workspace: string;
  allowWrites: boolean;
  /** Allowed command prefixes; empty: no shell. */
  commands: readonly string[];
  /** Folders inside the workspace the agent must not touch (its own config, the run directory). */
  hidden: readonly string[];
}

/** Built-in tools that only read, always given. */
const READING_TOOLS = ['Read', 'Glob', 'Grep'] as const;
const WRITING_TOOLS = ['Write', 'Edit'] as const;

/** The built-in tools an instance gets under `policy`: reading always, writing and the shell only when allowed. */
export function builtInTools(policy: Pick<AgentToolPolicy, 'allowWrites' | 'commands'>): string[] {
  return [...READING_TOOLS, ...(policy.allowWrites ? WRITING_TOOLS : []), ...(policy.commands.length > 0 ? ['Bash'] : [])];
}

/**
 * The commands the agent's Bash may run: the run's allowlist (the one run_command obeys) for an agent that writes,
 * narrowed by the instance's own `commands` when it names some (an entry the run does not allow is dropped).
 */
export function agentCommands(own: readonly string[] | null, runAllowlist: readonly string[], allowWrites: boolean): string[] {
  if (own === null) return allowWrites ? [...runAllowlist] : [];
  return own.filter((entry) => commandRefusal(entry, runAllowlist) === null);
}

/**
 * Why a Bash call is refused, or null: the same allowlist and the same one-line reasons as run_command (one
 * module), no path out of the agent's folder, never in the background (it would outlive the turn's limits), and
 * only from the agent's own folder (`cwd`, the hook's view of where the shell stands).
 */
export function bashRefusal(policy: AgentToolPolicy, input: unknown, cwd?: string): string | null {
  const command = field(input, 'command') ?? '';
  if (policy.commands.length === 0) return 'running commands is off for this instance';
  if (typeof input === 'object' && input !== null && (input as Record<string, unknown>).run_in_background === true) {
    return `refused: ${JSON.stringify(command)} in the background; run it in the foreground, within the command time limit`;
  }
  if (cwd !== undefined && pathRefusal(policy, cwd) !== null) return `refused: the shell stands in ${cwd}, outside your folder ${policy.workspace}; commands run there only`;
  return commandRefusal(command, policy.commands, policy.workspace);
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Why a path (absolute, or relative to the workspace) is refused, or null when it is inside the workspace:
 * no `..`, no symlink leading out (the same check the workspace tools make), not in a hidden folder.
 */
export function pathRefusal(policy: AgentToolPolicy, path: string): string | null {
  const roots = [resolve(policy.workspace), realOrSelf(policy.workspace)];
  let inside: string | undefined;
  if (isAbsolute(path)) {
    for (const root of roots) {
      const rel = relative(root, resolve(path));
      if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) inside = rel === '' ? '.' : rel;
    }
    if (inside === undefined) return `${path} is outside the workspace ${policy.workspace}; every file tool is confined to it`;
  } else {
    inside = path === '' ? '.' : path;
  }
  let target: string;
  try {
    target = resolveInWorkspace(policy.workspace, inside.split(sep).join('/'), { mustExist: false });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  for (const folder of policy.hidden) {
    const real = realOrSelf(folder);
    if (target === real || target.startsWith(`${real}${sep}`)) return `${path} is private to the runtime; work on the workspace's own files`;
  }
  return null;
}

function field(input: unknown, name: string): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const value = (input as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Why a call of the agent's tool `name` with `input` is refused, or null to let it through. Collective tools
 * pass (the tool box checks them); file tools must stay in the workspace; Bash must be one allowed command (see
 * bashRefusal), run from `cwd` when the hook gives it;
 * every other tool is refused.
 */
export function toolRefusal(policy: AgentToolPolicy, name: string, input: unknown, cwd?: string): string | null {
  if (name.startsWith(`mcp__${COLLECTIVE_SERVER}__`)) return null;
  const given = new Set(builtInTools(policy));
  if (!given.has(name)) return `${name} is not available to this instance`;
  if (name === 'Bash') return bashRefusal(policy, input, cwd);
  const paths = [field(input, 'file_path'), field(input, 'path'), field(input, 'notebook_path')].filter((path): path is string => path !== undefined);
  for (const path of paths) {
    const refusal = pathRefusal(policy, path);
    if (refusal !== null) return refusal;
  }
  // Glob's pattern and Grep's glob filter are file patterns (Grep's own pattern is a regular expression).
  const pattern = name === 'Glob' ? field(input, 'pattern') : name === 'Grep' ? field(input, 'glob') : undefined;
  if (pattern !== undefined) {
    if (isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..')) return `the pattern ${pattern} reaches outside the workspace; give one relative to it`;
    // The literal folders a pattern starts with (before its first wildcard) must be open to the agent too.
    const literal = pattern.split(/[\\/]/).filter((segment, index, all) => all.slice(0, index + 1).every((part) => !/[*?[\]{}]/.test(part)));
    if (literal.length > 0) {
      const base = field(input, 'path') ?? '.';
      const refusal = pathRefusal(policy, isAbsolute(base) ? resolve(base, ...literal) : [base, ...literal].join('/'));
      if (refusal !== null) return refusal;
    }
  }
  return null;
}
