import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applySeedPatch } from './apply-seed.js';
import { loadProblemSet } from './problem-set.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const PATCH = '--- a/index.js\n+++ b/index.js\n@@ -1,3 +1,3 @@\n const a = 1;\n-const b = 2;\n+const b = 3;\n module.exports = a + b;\n';

function problemFolder(files: Record<string, string>): string {
  const set = mkdtempSync(join(tmpdir(), 'tachikoma-set-'));
  folders.push(set);
  const folder = join(set, 'one');
  mkdirSync(join(folder, 'hidden'), { recursive: true });
  const defaults: Record<string, string> = {
    'manifest.json': JSON.stringify({ name: 'one', package: 'left-pad', version: '1.3.0', kind: 'find', summary: 'pads strings' }),
    'seed.patch': PATCH,
    'key.json': JSON.stringify({ defects: [{ location: 'index.js:2', description: 'b is wrong' }] }),
  };
  for (const [name, text] of Object.entries({ ...defaults, ...files })) writeFileSync(join(folder, name), text);
  return set;
}

describe('loadProblemSet', () => {
  it('loads a set folder and picks problems by name', () => {
    const [problem] = loadProblemSet(problemFolder({}), ['one']);
    expect(problem?.manifest.package).toBe('left-pad');
    expect(problem?.key).toEqual([{ location: { path: 'index.js', startLine: 2, endLine: 2 }, description: 'b is wrong' }]);
    expect(problem?.hiddenTest).toBeNull();
  });

  it('names what is wrong in one line', () => {
    expect(() => loadProblemSet(problemFolder({}), ['two'])).toThrow('unknown problem two; the set has one');
    expect(() => loadProblemSet(problemFolder({ 'key.json': JSON.stringify({ defects: [{ location: 'index.js', description: 'x' }] }) }))).toThrow(
      /key\.json defects\[0\]\.location: expected one path:line or path:start-end, got "index.js"/,
    );
    const fix = JSON.stringify({ name: 'one', package: 'left-pad', version: '1.3.0', kind: 'fix', summary: 's' });
    expect(() => loadProblemSet(problemFolder({ 'manifest.json': fix }))).toThrow(/a fix problem needs "hiddenTest"/);
    const loose = JSON.stringify({ name: 'one', package: 'left-pad', version: '^1.3.0', kind: 'find', summary: 's' });
    expect(() => loadProblemSet(problemFolder({ 'manifest.json': loose }))).toThrow(/version/);
    expect(() => loadProblemSet(join(tmpdir(), 'no-such-set-folder'))).toThrow(/is not a folder/);
  });
});

describe('applySeedPatch', () => {
  it('applies a unified patch and refuses one that does not fit', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tachikoma-seed-'));
    folders.push(folder);
    writeFileSync(join(folder, 'index.js'), 'const a = 1;\nconst b = 2;\nmodule.exports = a + b;\n');
    expect(applySeedPatch(folder, PATCH, 'test')).toEqual(['index.js']);
    expect(readFileSync(join(folder, 'index.js'), 'utf8')).toContain('const b = 3;');
    expect(() => applySeedPatch(folder, PATCH, 'again')).toThrow('again: the patch does not apply to index.js; is the version right?');
    expect(() => applySeedPatch(folder, PATCH.replaceAll('index.js', '../out.js'), 'escape')).toThrow(/escape: /);
  });
});
