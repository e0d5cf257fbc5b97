import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError, resolveInWorkspace } from './workspace-path.js';

const root = mkdtempSync(join(tmpdir(), 'tachikoma-ws-'));
const outside = mkdtempSync(join(tmpdir(), 'tachikoma-outside-'));
mkdirSync(join(root, 'src'));
writeFileSync(join(root, 'src', 'a.ts'), 'export {};\n');
writeFileSync(join(outside, 'secret.txt'), 'secret\n');
symlinkSync(outside, join(root, 'escape'));
symlinkSync(join(root, 'src'), join(root, 'inside-link'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('workspace confinement', () => {
  it('resolves paths inside the workspace, including links that stay inside', () => {
    expect(resolveInWorkspace(root, 'src/a.ts')).toMatch(/src\/a\.ts$/);
    expect(resolveInWorkspace(root, 'inside-link/a.ts')).toMatch(/inside-link\/a\.ts$/);
    expect(resolveInWorkspace(root, 'src/new-file.ts', { mustExist: false })).toMatch(/new-file\.ts$/);
  });

  it('refuses absolute paths, .. segments, NUL bytes and symlinks out, with a reason', () => {
    for (const [path, reason] of [
      ['/etc/passwd', /absolute paths are refused/],
      ['../x', /"\.\." are refused/],
      ['src/../../x', /"\.\." are refused/],
      ['src\\..\\..\\x', /"\.\." are refused/],
      ['a\u0000b', /NUL/],
      ['escape/secret.txt', /outside the workspace through a symbolic link/],
      ['escape/new.txt', /outside the workspace/],
      ['missing.ts', /no such file/],
    ] as const) {
      expect(() => resolveInWorkspace(root, path, path === 'escape/new.txt' ? { mustExist: false } : {})).toThrow(reason);
      expect(() => resolveInWorkspace(root, path, path === 'escape/new.txt' ? { mustExist: false } : {})).toThrow(WorkspaceEscapeError);
    }
  });
});
