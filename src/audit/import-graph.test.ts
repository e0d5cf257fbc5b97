import { describe, expect, it } from 'vitest';
import { collectImportEdges, resolvePythonSpecifier, resolveScriptSpecifier } from './import-graph.js';
import { createSourceFile } from './source-file.js';

describe('resolveScriptSpecifier', () => {
  const known = new Set(['src/a.ts', 'src/b/index.ts', 'src/c.tsx', 'src/d.js', 'lib/e.mts']);

  it('maps compiled names to sources, adds extensions and finds index files', () => {
    expect(resolveScriptSpecifier('src/x.ts', './a.js', known)).toBe('src/a.ts');
    expect(resolveScriptSpecifier('src/x.ts', './a', known)).toBe('src/a.ts');
    expect(resolveScriptSpecifier('src/x.ts', './b', known)).toBe('src/b/index.ts');
    expect(resolveScriptSpecifier('src/x.ts', './b/index.js', known)).toBe('src/b/index.ts');
    expect(resolveScriptSpecifier('src/x.ts', './c.js', known)).toBe('src/c.tsx');
    expect(resolveScriptSpecifier('src/x.ts', './d.js', known)).toBe('src/d.js');
    expect(resolveScriptSpecifier('src/deep/x.ts', '../../lib/e.mjs', known)).toBe('lib/e.mts');
  });

  it('leaves packages, missing files and paths above the root unresolved', () => {
    expect(resolveScriptSpecifier('src/x.ts', 'zod', known)).toBeNull();
    expect(resolveScriptSpecifier('src/x.ts', './missing.js', known)).toBeNull();
    expect(resolveScriptSpecifier('src/x.ts', '../../a.ts', known)).toBeNull();
  });
});

describe('resolvePythonSpecifier', () => {
  const known = new Set(['pkg/__init__.py', 'pkg/models.py', 'pkg/sub/__init__.py', 'pkg/sub/views.py', 'src/tool/cli.py']);

  it('resolves relative, package and absolute imports', () => {
    expect(resolvePythonSpecifier('pkg/sub/views.py', '..models', known)).toBe('pkg/models.py');
    expect(resolvePythonSpecifier('pkg/models.py', '.sub', known)).toBe('pkg/sub/__init__.py');
    expect(resolvePythonSpecifier('pkg/models.py', './sub', known)).toBe('pkg/sub/__init__.py');
    expect(resolvePythonSpecifier('pkg/sub/views.py', '../helpers', known)).toBe('pkg/__init__.py');
    expect(resolvePythonSpecifier('pkg/models.py', 'pkg.sub.views', known)).toBe('pkg/sub/views.py');
    expect(resolvePythonSpecifier('pkg/models.py', 'tool.cli', known)).toBe('src/tool/cli.py');
    expect(resolvePythonSpecifier('pkg/models.py', 'os.path', known)).toBeNull();
  });
});

describe('collectImportEdges', () => {
  it('records kind, re-export and the line of each resolvable import', () => {
    const files = [
      createSourceFile(
        'src/main.ts',
        [
          "import { a } from './a.js';",
          "import type { B } from './b.js';",
          "export * from './c.js';",
          '// import { ignored } from "./d.js";',
          'const text = "import x from \'./d.js\'";',
          'async function later() {',
          "  const lazy = await import('./d.js');",
          "  const old = require('./e.js');",
          '}',
          "const eager = require('./e.js');",
          "import { z } from 'zod';",
        ].join('\n'),
      ),
      ...['a', 'b', 'c', 'd', 'e'].map((name) => createSourceFile(`src/${name}.ts`, `export const ${name} = 1;\n`)),
    ];
    expect(collectImportEdges(files).map(({ to, line, kind, reexport }) => ({ to, line, kind, reexport }))).toEqual([
      { to: 'src/a.ts', line: 0, kind: 'static', reexport: false },
      { to: 'src/b.ts', line: 1, kind: 'type', reexport: false },
      { to: 'src/c.ts', line: 2, kind: 'static', reexport: true },
      { to: 'src/d.ts', line: 6, kind: 'lazy', reexport: false },
      { to: 'src/e.ts', line: 7, kind: 'lazy', reexport: false },
      { to: 'src/e.ts', line: 9, kind: 'static', reexport: false },
    ]);
  });

  it('treats Python imports inside a block as lazy', () => {
    const files = [
      createSourceFile('app/a.py', 'from .b import thing\nif TYPE_CHECKING:\n    from .c import Other\n'),
      createSourceFile('app/b.py', 'thing = 1\n'),
      createSourceFile('app/c.py', 'Other = 1\n'),
    ];
    expect(collectImportEdges(files).map(({ to, kind }) => `${to}:${kind}`)).toEqual(['app/b.py:static', 'app/c.py:lazy']);
  });
});
