import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutSnapshot, gitIn, makeGitWorkspace } from '../../test/support/git-workspace.js';
import { allowedTools } from '../collective/roles.js';
import { type CollectiveStore, createSqliteStore } from '../store/index.js';
import type { ChangeSettings } from '../workspace/change-settings.js';
import { worktreePath } from '../workspace/instance-worktree.js';
import { ALL_TOOLS } from './all-tools.js';
import { createToolBox } from './create-tool-box.js';

let directory = '';
let store: CollectiveStore;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tachikoma-change-tools-'));
  store = createSqliteStore(join(directory, 'collective.db'));
  await store.register({ id: 'instance_1', role: 'builder' });
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function builderTools(workspace: string, changes?: ChangeSettings, role: 'builder' | 'explorer' = 'builder') {
  return createToolBox({
    tools: ALL_TOOLS, store, self: 'instance_1', role, signal: new AbortController().signal, currentTask: { id: null }, leaseMs: 60_000,
    workspace, runDirectory: join(directory, 'run'), turnKey: '0', allowed: allowedTools(role, false), ...(changes === undefined ? {} : { changes }),
  });
}

describe('change tools outside git', () => {
  it('refuse to write with one clear line, unless writing in place is allowed', async () => {
    const workspace = join(directory, 'plain');
    mkdirSync(workspace);
    const refused = await builderTools(workspace).call('write_file', { path: 'x.txt', content: 'x' });
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.error).toMatch(/^refused: the workspace is not a git repository[^\n]*allowWriteInPlace/);
    expect(existsSync(join(workspace, 'x.txt'))).toBe(false);
    const allowed = await builderTools(workspace, { allowWriteInPlace: true }).call('write_file', { path: 'sub/x.txt', content: 'x' });
    expect(allowed.ok).toBe(true);
    expect(readFileSync(join(workspace, 'sub', 'x.txt'), 'utf8')).toBe('x');
  });

  it('are offered to builders only', () => {
    expect(builderTools(directory, undefined, 'explorer').specs.map((spec) => spec.name)).not.toContain('write_file');
    expect(builderTools(directory).specs.map((spec) => spec.name)).toEqual(expect.arrayContaining(['edit_file', 'write_file', 'run_command']));
  });
});

describe('change tools in a git workspace', () => {
  let workspace = '';
  beforeEach(() => {
    workspace = makeGitWorkspace({ 'a.txt': 'one\ntwo\ntwo\n', 'b.txt': 'b\n' });
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it('grep a builder\'s worktree, where its own edits are, with the line numbers read_files gives', async () => {
    const tools = builderTools(workspace);
    expect(await tools.call('write_file', { path: 'c.txt', content: 'x\nMARKER_ONLY_IN_WORKTREE\n' })).toMatchObject({ ok: true });
    expect(await tools.call('grep', { pattern: 'MARKER_ONLY_IN_WORKTREE' })).toEqual({ ok: true, data: { matches: [{ at: 'c.txt:2', line: 'MARKER_ONLY_IN_WORKTREE' }], cut: false } });
  });

  it('edit in the instance worktree, never in the user checkout', async () => {
    const before = checkoutSnapshot(workspace);
    const tools = builderTools(workspace);
    expect(await tools.call('edit_file', { path: 'a.txt', old: 'one', new: 'ONE' })).toMatchObject({ ok: true });
    const tree = worktreePath(join(directory, 'run'), 'instance_1');
    expect(readFileSync(join(tree, 'a.txt'), 'utf8')).toBe('ONE\ntwo\ntwo\n');
    expect(gitIn(tree, ['rev-parse', '--abbrev-ref', 'HEAD']).trim()).toMatch(/^tachikoma\/run\/instance_1$/);
    // The builder reads its own edit back; the user's file is as it was.
    const read = await tools.call('read_files', { paths: ['a.txt'] });
    expect(read.ok ? (read.data as Array<{ lines: string[] }>)[0]?.lines[0] : read.error).toBe('1: ONE');
    expect(readFileSync(join(workspace, 'a.txt'), 'utf8')).toBe('one\ntwo\ntwo\n');
    expect(checkoutSnapshot(workspace)).toEqual(before);
  });

  it('refuse an ambiguous or absent edit, a path outside, a symlink out and a write into .git', async () => {
    const tools = builderTools(workspace);
    const error = async (name: string, input: unknown): Promise<string> => {
      const result = await tools.call(name, input);
      return result.ok ? 'ok' : result.error;
    };
    expect(await error('edit_file', { path: 'a.txt', old: 'two', new: '2' })).toMatch(/more than once in a\.txt/);
    expect(await error('edit_file', { path: 'a.txt', old: 'three', new: '3' })).toMatch(/not in a\.txt/);
    expect(await error('write_file', { path: '../x.txt', content: 'x' })).toMatch(/paths with "\.\." are refused/);
    expect(await error('write_file', { path: '/etc/x.txt', content: 'x' })).toMatch(/absolute paths are refused/);
    expect(await error('write_file', { path: '.git/hooks/pre-commit', content: 'x' })).toMatch(/inside \.git/);
    const tree = worktreePath(join(directory, 'run'), 'instance_1');
    symlinkSync(directory, join(tree, 'out'));
    expect(await error('write_file', { path: 'out/escape.txt', content: 'x' })).toMatch(/symbolic link/);
    expect(existsSync(join(directory, 'escape.txt'))).toBe(false);
  });

  it('run only allowlisted commands, without a shell, in the worktree', async () => {
    const tools = builderTools(workspace, { commands: ['git status', 'git rev-parse', 'node -e'] });
    const error = async (command: string): Promise<string> => {
      const result = await tools.call('run_command', { command });
      return result.ok ? 'ok' : result.error;
    };
    expect(await error('npm install left-pad')).toMatch(/not on this run's command allowlist/);
    expect(await error('git status; rm -rf .')).toMatch(/shell syntax/);
    expect(await error('git status && rm -rf .')).toMatch(/shell syntax/);
    expect(await error('git status | cat')).toMatch(/shell syntax/);
    expect(await error('git status > out.txt')).toMatch(/shell syntax/);
    expect(await error('node -e `x`')).toMatch(/shell syntax/);
    expect(await error('git statusx')).toMatch(/not on this run's command allowlist/);
    // No shell runs it, but the claude-agent brain's Bash would: the same syntax is refused for both.
    expect(await error('node -e "console.log(process.cwd())"')).toMatch(/shell syntax/);
    expect(await error('git status ../other')).toMatch(/outside the folder it runs in/);
    expect(await error(`git status ${workspace}`)).toMatch(/outside the folder it runs in/);
    const ran = await tools.call('run_command', { command: 'git rev-parse --show-toplevel' });
    expect(ran).toMatchObject({ ok: true, data: { exitCode: 0, timedOut: false } });
    const output = ran.ok ? (ran.data as { output: string }).output.trim() : '';
    expect(output.endsWith(join('run', 'worktrees', 'instance_1'))).toBe(true);
  });
});
