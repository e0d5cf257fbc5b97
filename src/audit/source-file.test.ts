import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditError } from './audit-error.js';
import { listSourceFiles, readSourceFile } from './source-file.js';
import { createFixtureWorkspace, type FixtureWorkspace } from '../../test/support/audit-fixture-workspace.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function workspace(files: Record<string, string>): FixtureWorkspace {
  const created = createFixtureWorkspace(files);
  cleanups.push(() => created.remove());
  return created;
}

function outsideFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tachikoma-audit-outside-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, 'secret.ts'), 'export const stolen = 1;\n');
  return folder;
}

function refusal(run: () => unknown): AuditError {
  try {
    run();
  } catch (error) {
    if (AuditError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an AuditError');
}

describe('listSourceFiles', () => {
  it('lists source files sorted and skips dependency, build, hidden and non-source files', () => {
    const fixture = workspace({
      'src/b.ts': 'export const b = 1;\n',
      'src/a.ts': 'export const a = 1;\n',
      'src/Z.py': 'z = 1\n',
      'lib/util.js': 'module.exports = 1;\n',
      'README.md': '# readme\n',
      'types/global.d.ts': 'declare const x: number;\n',
      'node_modules/pkg/index.js': 'module.exports = 1;\n',
      '.git/hooks/pre-commit.sh': 'echo\n',
      '.tachikoma/run.ts': 'export {};\n',
      'dist/a.js': 'export {};\n',
      'build/b.js': 'export {};\n',
      'coverage/c.js': 'export {};\n',
      'vendor/d.go': 'package d\n',
      'src/nested/.cache/e.ts': 'export {};\n',
    });
    expect(listSourceFiles(fixture.root)).toEqual(['lib/util.js', 'src/Z.py', 'src/a.ts', 'src/b.ts']);
  });

  it('skips binary files and files over maxBytes, and stops at maxFiles', () => {
    const fixture = workspace({ 'a.ts': 'export const a = 1;\n', 'big.ts': `// ${'x'.repeat(2_000)}\n`, 'c.ts': 'export {};\n' });
    writeFileSync(join(fixture.root, 'blob.js'), Buffer.from([0x63, 0x6f, 0x00, 0x01, 0x02]));
    expect(listSourceFiles(fixture.root, { maxBytes: 1_000 })).toEqual(['a.ts', 'c.ts']);
    expect(listSourceFiles(fixture.root, { maxFiles: 2 })).toEqual(['a.ts', 'big.ts']);
  });

  it('keeps symlinked files inside the workspace and never follows a link out of it', () => {
    const fixture = workspace({ 'src/real.ts': 'export const real = 1;\n' });
    const outside = outsideFolder();
    symlinkSync(join(outside, 'secret.ts'), join(fixture.root, 'src/escape.ts'));
    symlinkSync(outside, join(fixture.root, 'linked-folder'));
    symlinkSync(join(fixture.root, 'src/real.ts'), join(fixture.root, 'src/alias.ts'));
    expect(listSourceFiles(fixture.root)).toEqual(['src/alias.ts', 'src/real.ts']);
  });
});

describe('readSourceFile', () => {
  it('reads text, lines without endings or a trailing empty line, and the language', () => {
    const fixture = workspace({ 'src/x.py': 'a = 1\r\nb = 2\r\n', 'src/y.ts': '\uFEFFconst y = 1;' });
    const python = readSourceFile(fixture.root, 'src/x.py');
    expect(python).toMatchObject({ path: 'src/x.py', lines: ['a = 1', 'b = 2'], language: 'py' });
    expect(readSourceFile(fixture.root, './src/../src/y.ts')).toMatchObject({ path: 'src/y.ts', lines: ['const y = 1;'] });
  });

  it('refuses paths that climb out of the workspace', () => {
    const fixture = workspace({ 'src/a.ts': 'export {};\n' });
    outsideFolder();
    const error = refusal(() => readSourceFile(fixture.root, '../outside.ts'));
    expect(error.code).toBe('outside_workspace');
    expect(refusal(() => readSourceFile(fixture.root, 'src/../../x.ts')).code).toBe('outside_workspace');
  });

  it('refuses absolute paths, even ones inside the workspace', () => {
    const fixture = workspace({ 'src/a.ts': 'export {};\n' });
    expect(refusal(() => readSourceFile(fixture.root, join(fixture.root, 'src/a.ts'))).code).toBe('outside_workspace');
    expect(refusal(() => readSourceFile(fixture.root, '/etc/passwd')).code).toBe('outside_workspace');
  });

  it('refuses a symlink whose target lies outside the workspace', () => {
    const fixture = workspace({ 'src/a.ts': 'export {};\n' });
    const outside = outsideFolder();
    symlinkSync(join(outside, 'secret.ts'), join(fixture.root, 'src/escape.ts'));
    symlinkSync(outside, join(fixture.root, 'src/linked'));
    const error = refusal(() => readSourceFile(fixture.root, 'src/escape.ts'));
    expect(error.code).toBe('outside_workspace');
    expect(error.message).toContain('outside the workspace');
    expect(refusal(() => readSourceFile(fixture.root, 'src/linked/secret.ts')).code).toBe('outside_workspace');
  });

  it('reports missing files and folders with their own codes', () => {
    const fixture = workspace({ 'src/a.ts': 'export {};\n' });
    expect(refusal(() => readSourceFile(fixture.root, 'src/missing.ts')).code).toBe('not_found');
    expect(refusal(() => readSourceFile(fixture.root, 'src')).code).toBe('not_a_file');
  });
});
