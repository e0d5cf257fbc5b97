import type { ImportReference } from './import-reference.js';
import { scanLines } from './scan-lines.js';
import type { SourceFile } from './source-file.js';

const FROM_IMPORT = /^(\s*)from\s+(\.*)([\w.]*)\s+import\s+\(?\s*([^)#]*)/;
const PLAIN_IMPORT = /^(\s*)import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)/;

/**
 * Every import of a Python file as specifiers: `.models` / `..pkg.x` for relative imports (one per name for
 * `from . import a, b`, written `./a`), dotted names for absolute ones. Imports indented inside a block
 * (functions, `if TYPE_CHECKING:`) are `lazy`.
 */
export function pythonImports(file: SourceFile): ImportReference[] {
  const references: ImportReference[] = [];
  scanLines(file).forEach(({ code }, line) => {
    const kind = /^\s+\S/.test(code) ? 'lazy' : 'static';
    const from = FROM_IMPORT.exec(code);
    if (from !== null) {
      const dots = from[2] ?? '';
      const module = from[3] ?? '';
      if (dots !== '' && module === '') {
        const names = (from[4] ?? '').split(',').map((name) => name.trim().split(/\s+/)[0] ?? '');
        for (const name of names.filter((entry) => /^\w+$/.test(entry))) {
          references.push({ specifier: `${dots}/${name}`, line, kind, reexport: false });
        }
      } else {
        references.push({ specifier: `${dots}${module}`, line, kind, reexport: false });
      }
      return;
    }
    const plain = PLAIN_IMPORT.exec(code);
    if (plain?.[2] === undefined) return;
    for (const part of plain[2].split(',')) {
      const name = part.trim().split(/\s+/)[0];
      if (name !== undefined && name !== '') references.push({ specifier: name, line, kind, reexport: false });
    }
  });
  return references;
}
