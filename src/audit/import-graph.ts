import { posix } from 'node:path';
import type { ImportEdge, ImportReference } from './import-reference.js';
import { pythonImports } from './python-imports.js';
import { scriptImports } from './script-imports.js';
import type { SourceFile } from './source-file.js';
import { isScript } from './source-language.js';

const SCRIPT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;
/** Compiled-name imports (`./x.js`) that point at TypeScript sources. */
const SOURCE_FOR_OUTPUT: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};
/** Folders tried as roots for absolute Python imports (`import pkg.module`). */
const PYTHON_ROOTS = ['', 'src', 'lib'] as const;

function firstExisting(candidates: readonly string[], known: ReadonlySet<string>): string | null {
  return candidates.find((candidate) => known.has(candidate)) ?? null;
}

/** Resolves a relative JS/TS specifier: exact file, `.js`→`.ts` mapping, added extensions, then `index` files. */
export function resolveScriptSpecifier(from: string, specifier: string, known: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.') && !specifier.startsWith('../')) return null;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  if (target.startsWith('../')) return null;
  const extension = posix.extname(target);
  const stem = target.slice(0, target.length - extension.length);
  const mapped = (SOURCE_FOR_OUTPUT[extension] ?? []).map((sourceExtension) => stem + sourceExtension);
  const added = SCRIPT_EXTENSIONS.map((sourceExtension) => target + sourceExtension);
  const indexed = SCRIPT_EXTENSIONS.map((sourceExtension) => `${target}/index${sourceExtension}`);
  return firstExisting([target, ...mapped, ...added, ...indexed], known);
}

function pythonModuleCandidates(base: string, dotted: string): string[] {
  const path = [base, ...dotted.split('.')].filter((part) => part !== '').join('/');
  return path === '' ? ['__init__.py'] : [`${path}.py`, `${path}/__init__.py`];
}

/** Resolves a Python import: relative (`.mod`, `..pkg.mod`, `./name` for `from . import name`) or absolute from the root, `src/` or `lib/`. */
export function resolvePythonSpecifier(from: string, specifier: string, known: ReadonlySet<string>): string | null {
  const dots = /^\.*/.exec(specifier)?.[0].length ?? 0;
  if (dots === 0) {
    return firstExisting(PYTHON_ROOTS.flatMap((root) => pythonModuleCandidates(root, specifier)), known);
  }
  let base = posix.dirname(from);
  for (let level = 1; level < dots; level += 1) {
    if (base === '.' || base === '') return null;
    base = posix.dirname(base);
  }
  base = base === '.' ? '' : base;
  const rest = specifier.slice(dots);
  if (rest.startsWith('/')) {
    return firstExisting([...pythonModuleCandidates(base, rest.slice(1)), ...pythonModuleCandidates(base, '')], known);
  }
  return firstExisting(pythonModuleCandidates(base, rest), known);
}

function referencesOf(file: SourceFile): ImportReference[] {
  if (isScript(file.language)) return scriptImports(file);
  if (file.language === 'py') return pythonImports(file);
  return [];
}

/**
 * Every import between files of the set that can be resolved (JS/TS relative imports, Python imports), one edge
 * per (from, to, kind) keeping its first line; ordered by `from`, then line.
 */
export function collectImportEdges(files: readonly SourceFile[]): ImportEdge[] {
  const known = new Set(files.map((file) => file.path));
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const seen = new Set<string>();
    for (const reference of referencesOf(file)) {
      const to = isScript(file.language)
        ? resolveScriptSpecifier(file.path, reference.specifier, known)
        : resolvePythonSpecifier(file.path, reference.specifier, known);
      const identity = `${to ?? ''}\n${reference.kind}\n${String(reference.reexport)}`;
      if (to === null || to === file.path || seen.has(identity)) continue;
      seen.add(identity);
      edges.push({ from: file.path, to, line: reference.line, kind: reference.kind, reexport: reference.reexport });
    }
  }
  return edges;
}
