import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runHiddenTest } from './hidden-test.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('runHiddenTest', () => {
  it('passes on exit code 0, fails otherwise with the output, and runs on a copy it removes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tachikoma-hidden-'));
    folders.push(root);
    const test = join(root, 'test.mjs');
    // The test also writes into the folder it is given: the workspace itself must stay as it was.
    writeFileSync(test, "import { readFileSync, writeFileSync } from 'node:fs';\nimport { join } from 'node:path';\nwriteFileSync(join(process.argv[2], 'touched'), '');\nif (readFileSync(join(process.argv[2], 'answer.txt'), 'utf8') !== '42') { console.error('wrong answer'); process.exit(1); }\n");
    const good = join(root, 'good');
    const bad = join(root, 'bad');
    mkdirSync(good);
    mkdirSync(bad);
    writeFileSync(join(good, 'answer.txt'), '42');
    writeFileSync(join(bad, 'answer.txt'), '41');
    expect(await runHiddenTest(test, good, join(root, 'scratch-1'))).toEqual({ passed: true, output: '' });
    expect(await runHiddenTest(test, bad, join(root, 'scratch-2'))).toEqual({ passed: false, output: 'wrong answer' });
    expect(existsSync(join(good, 'touched'))).toBe(false);
    expect(readdirSync(root).sort()).toEqual(['bad', 'good', 'test.mjs']);
  });
});
