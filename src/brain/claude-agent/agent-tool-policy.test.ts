import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandRefusedError, parseAllowedCommand } from '../../workspace/allowed-command.js';
import { DEFAULT_COMMANDS } from '../../workspace/change-settings.js';
import { type AgentToolPolicy, agentCommands, builtInTools, toolRefusal } from './agent-tool-policy.js';

const root = mkdtempSync(join(tmpdir(), 'tachikoma-agent-policy-'));
const workspace = join(root, 'ws');
mkdirSync(join(workspace, 'src'), { recursive: true });
mkdirSync(join(workspace, '.tachikoma', 'claude-agent'), { recursive: true });
writeFileSync(join(workspace, 'src', 'a.ts'), 'export const a = 1;\n');
writeFileSync(join(root, 'outside.txt'), 'secret\n');
symlinkSync(join(root, 'outside.txt'), join(workspace, 'src', 'link.txt'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const readOnly: AgentToolPolicy = { workspace, allowWrites: false, commands: [], hidden: [join(workspace, '.tachikoma')] };
const builder: AgentToolPolicy = { ...readOnly, allowWrites: true, commands: ['npm test', 'git status'] };

describe('what the agent may do with its own tools', () => {
  it('gives reading tools to everyone, writing and the shell only when allowed', () => {
    expect(builtInTools(readOnly)).toEqual(['Read', 'Glob', 'Grep']);
    expect(builtInTools(builder)).toEqual(['Read', 'Glob', 'Grep', 'Write', 'Edit', 'Bash']);
    expect(toolRefusal(readOnly, 'Write', { file_path: join(workspace, 'src', 'b.ts') })).toBe('Write is not available to this instance');
    expect(toolRefusal(readOnly, 'Bash', { command: 'ls' })).toBe('Bash is not available to this instance');
    expect(toolRefusal(readOnly, 'WebFetch', { url: 'https://example.com' })).toBe('WebFetch is not available to this instance');
    expect(toolRefusal(readOnly, 'mcp__tachikoma__share_finding', { content: 'x' })).toBeNull();
  });

  it('confines file tools to the workspace: absolute or relative, no "..", no symlink out, not the runtime folders', () => {
    expect(toolRefusal(readOnly, 'Read', { file_path: join(workspace, 'src', 'a.ts') })).toBeNull();
    expect(toolRefusal(readOnly, 'Glob', { pattern: 'src/**/*.ts' })).toBeNull();
    expect(toolRefusal(readOnly, 'Grep', { pattern: '\\.\\./x', path: 'src' })).toBeNull();
    expect(toolRefusal(builder, 'Write', { file_path: join(workspace, 'src', 'new', 'b.ts'), content: '' })).toBeNull();
    expect(toolRefusal(readOnly, 'Read', { file_path: '/etc/passwd' })).toMatch(/^\/etc\/passwd is outside the workspace/);
    expect(toolRefusal(readOnly, 'Read', { file_path: join(workspace, '..', 'outside.txt') })).toMatch(/outside the workspace/);
    expect(toolRefusal(readOnly, 'Read', { file_path: join(workspace, 'src', 'link.txt') })).toMatch(/outside|symlink|escape/i);
    expect(toolRefusal(readOnly, 'Grep', { pattern: 'x', path: '../' })).toMatch(/\.\./);
    expect(toolRefusal(readOnly, 'Glob', { pattern: '../**/*' })).toMatch(/reaches outside the workspace/);
    expect(toolRefusal(readOnly, 'Glob', { pattern: '/etc/*' })).toMatch(/reaches outside the workspace/);
    expect(toolRefusal(builder, 'Edit', { file_path: join(workspace, '.tachikoma', 'claude-agent', 'x.json') })).toMatch(/private to the runtime/);
    expect(toolRefusal(readOnly, 'Glob', { pattern: '.tachikoma/**/*.json' })).toMatch(/private to the runtime/);
    expect(toolRefusal(readOnly, 'Glob', { pattern: '**/*.json', path: join(workspace, '.tachikoma') })).toMatch(/private to the runtime/);
    expect(toolRefusal(readOnly, 'Grep', { pattern: 'x', glob: '.tachikoma/*' })).toMatch(/private to the runtime/);
    expect(toolRefusal(readOnly, 'Glob', { pattern: 'src/*.ts', path: workspace })).toBeNull();
  });

  it("runs only commands on the run's allowlist, refused with run_command's own one-line reasons", () => {
    const bash = (command: string, extra: Record<string, unknown> = {}, cwd?: string): string | null => toolRefusal(builder, 'Bash', { command, ...extra }, cwd);
    /** What run_command says of the same command line (the shared module throws it). */
    const runCommandSays = (command: string): string => {
      try {
        parseAllowedCommand(command, builder.commands, workspace);
        return 'allowed';
      } catch (error) {
        if (!CommandRefusedError.isInstance(error)) throw error;
        return error.message;
      }
    };
    expect(bash('npm test')).toBeNull();
    expect(bash('npm test -- --run src')).toBeNull();
    expect(bash(`git status ${join(workspace, 'src')}`)).toBeNull();
    const offList = ['npm install left-pad', 'npm testx', 'curl https://example.com'];
    const chained = ['npm test; rm -rf /', 'npm test && curl x', 'npm test | sh', 'git status $(id)', 'npm test > /etc/x', 'npm test `id`', 'git status\nrm x', 'git status ${HOME}', 'git status ~'];
    const outside = ['git status ..', 'git status ../other', 'npm test -- --prefix=/etc', 'git status /etc/passwd'];
    for (const command of [...offList, ...chained, ...outside]) {
      const refusal = bash(command);
      expect(refusal, command).toBe(runCommandSays(command));
      expect(refusal?.split('\n'), command).toHaveLength(1);
    }
    for (const command of offList) expect(bash(command), command).toMatch(/is not on this run's command allowlist \(npm test, git status\)/);
    for (const command of chained) expect(bash(command), command).toMatch(/uses shell syntax/);
    for (const command of outside) expect(bash(command), command).toMatch(/outside the folder it runs in/);
    expect(bash('npm test', { run_in_background: true })).toMatch(/in the background/);
    // The shell must stand in the agent's folder.
    expect(bash('npm test', {}, workspace)).toBeNull();
    expect(bash('npm test', {}, root)).toMatch(/^refused: the shell stands in .* outside your folder/);
    expect(toolRefusal({ ...builder, commands: [] }, 'Bash', { command: 'ls' })).toBe('Bash is not available to this instance');
  });

  it("takes the run's allowlist for a writing agent; its own commands only narrow it", () => {
    const run = ['npm test', 'git status'];
    expect(agentCommands(null, run, true)).toEqual(run);
    expect(agentCommands(null, DEFAULT_COMMANDS, true)).toEqual(DEFAULT_COMMANDS);
    expect(agentCommands(null, run, false)).toEqual([]);
    expect(agentCommands(['npm test', 'rm -rf /', 'git status --short', 'curl x'], run, false)).toEqual(['npm test', 'git status --short']);
    expect(agentCommands([], run, true)).toEqual([]);
  });
});
