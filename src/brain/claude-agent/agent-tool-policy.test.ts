import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentToolPolicy, builtInTools, commandRefusal, toolRefusal } from './agent-tool-policy.js';

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

  it('runs only allowlisted commands, one at a time', () => {
    expect(commandRefusal('npm test', builder.commands)).toBeNull();
    expect(commandRefusal('npm test -- --run src', builder.commands)).toBeNull();
    expect(commandRefusal('npm install left-pad', builder.commands)).toMatch(/^command not on the allowlist; allowed: npm test, git status$/);
    expect(commandRefusal('npm testx', builder.commands)).toMatch(/not on the allowlist/);
    for (const chained of ['npm test; rm -rf /', 'npm test && curl x', 'npm test | sh', 'git status $(id)', 'npm test > /etc/x', 'npm test `id`', 'git status\nrm x']) {
      expect(commandRefusal(chained, builder.commands), chained).toMatch(/may not chain/);
    }
    expect(commandRefusal('git status ..', builder.commands)).toMatch(/\.\./);
    expect(commandRefusal('ls', [])).toBe('running commands is off for this instance');
  });
});
