import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Runs the project's layer check on a small tree of files (path → text), as `npm run layers` does. */
function checkLayers(files: Record<string, string>): { status: number | null; output: string } {
  const root = mkdtempSync(join(tmpdir(), 'tachikoma-layers-'));
  folders.push(root);
  const tsconfig = { compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] };
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify(tsconfig));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const result = spawnSync(DEPCRUISE, ['src', '--config', CONFIG], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the layer rules (npm run layers)', () => {
  it('pass a downward import', () => {
    const result = checkLayers({
      'src/core/errors.ts': 'export const base = 1;\n',
      'src/store/store.ts': "import { base } from '../core/errors.js';\nexport const store = base;\n",
    });
    expect(result.output).toContain('no dependency violations');
    expect(result.status).toBe(0);
  });

  it('fail on an upward import, naming the rule', () => {
    const result = checkLayers({
      'src/cli/main.ts': 'export const main = 1;\n',
      'src/store/store.ts': "import { main } from '../cli/main.js';\nexport const store = main;\n",
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('layer-store');
    expect(result.output).toContain('src/store/store.ts → src/cli/main.ts');
  });

  it('count a type-only import', () => {
    const result = checkLayers({
      'src/brain/brain.ts': 'export interface Brain { name: string }\n',
      'src/tools/tool.ts': "import type { Brain } from '../brain/brain.js';\nexport const named = (brain: Brain): string => brain.name;\n",
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('layer-tools');
  });

  it('fail on an import between peers and on a folder no layer names', () => {
    const peers = checkLayers({
      'src/mcp/door.ts': 'export const door = 1;\n',
      'src/dashboard/app.ts': "import { door } from '../mcp/door.js';\nexport const app = door;\n",
    });
    expect(peers.output).toContain('layer-dashboard');
    const unlayered = checkLayers({
      'src/core/errors.ts': 'export const base = 1;\n',
      'src/misc/thing.ts': "import { base } from '../core/errors.js';\nexport const thing = base;\n",
    });
    expect(unlayered.output).toContain('no-unlayered-folder');
  });
});
