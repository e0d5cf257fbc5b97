import type { ImportKind, ImportReference } from './import-reference.js';
import { codeLines } from './scan-lines.js';
import type { SourceFile } from './source-file.js';

const STATEMENT_LOOKBACK_LINES = 40;
const FROM_CLAUSE = /\bfrom\s*(['"])([^'"]+)\1/g;
const REQUIRE_CALL = /\brequire\s*\(\s*(['"])([^'"]+)\1\s*\)/g;
const SPECIFIER_PATTERNS: ReadonlyArray<{ pattern: RegExp; dynamic: boolean }> = [
  { pattern: FROM_CLAUSE, dynamic: false },
  { pattern: /^\s*import\s*(['"])([^'"]+)\1/g, dynamic: false },
  { pattern: REQUIRE_CALL, dynamic: false },
  { pattern: /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g, dynamic: true },
];

/**
 * A line inside a multi-line import list: `{`, `name,`, `type Name as Alias,`, `* as all`, `}`. Each name must end at
 * a comma or the line end, so the pattern cannot backtrack exponentially on long lines.
 */
const IMPORT_LIST_LINE = /^\s*[{}]?\s*(?:(?:type\s+)?(?:[\w$]+|\*)(?:\s+as\s+[\w$]+)?\s*(?:,\s*|(?=[{}]?\s*$)))*[{}]?\s*$/;

/** The first line of the import/export statement that ends with the specifier on `line` (walks up a multi-line name list). */
function statementStart(codes: readonly string[], line: number): string {
  for (let index = line; index >= Math.max(0, line - STATEMENT_LOOKBACK_LINES); index -= 1) {
    const code = codes[index] ?? '';
    if (/^\s*(?:import|export)\b/.test(code)) return code;
    if (index < line && !IMPORT_LIST_LINE.test(code)) break;
  }
  return codes[line] ?? '';
}

/** `lazy` for dynamic imports and `require` calls indented inside a block, `type` for `import type`. */
function kindOf(statement: string, lazy: boolean): ImportKind {
  if (lazy) return 'lazy';
  return /^\s*(?:import|export)\s+type\b/.test(statement) ? 'type' : 'static';
}

/** Every `import`/`export ... from`/`require()`/`import()` specifier of a JS/TS file, in line order. */
export function scriptImports(file: SourceFile): ImportReference[] {
  const codes = codeLines(file);
  const references: ImportReference[] = [];
  file.lines.forEach((raw, line) => {
    const code = codes[line] ?? '';
    if (!code.includes('from') && !code.includes('import') && !code.includes('require')) return;
    for (const { pattern, dynamic } of SPECIFIER_PATTERNS) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(raw); match !== null; match = pattern.exec(raw)) {
        const [text, quote, specifier] = match;
        if (quote === undefined || specifier === undefined) continue;
        const quoteColumn = match.index + text.indexOf(quote);
        const keywordInCode = code.slice(match.index, quoteColumn).trim() === raw.slice(match.index, quoteColumn).trim();
        if (code[quoteColumn] !== quote || !keywordInCode) continue;
        const fromClause = pattern === FROM_CLAUSE;
        const statement = fromClause ? statementStart(codes, line) : code;
        references.push({
          specifier,
          line,
          kind: kindOf(statement, dynamic || (pattern === REQUIRE_CALL && /^\s/.test(code))),
          reexport: fromClause && /^\s*export\b/.test(statement),
        });
      }
    }
  });
  return references;
}
