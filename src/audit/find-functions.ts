import { HEADER_LOOKAHEAD_LINES, findBodyEnd, findBodyStart, type Header } from './function-body.js';
import { codeLines } from './scan-lines.js';
import type { SourceFile } from './source-file.js';
import { usesBraces, type SourceLanguage } from './source-language.js';

/** A named function found in a file: 0-based inclusive line range from its header to its closing line. */
export interface FunctionSpan {
  name: string;
  /** 0-based index of the line holding the function's name. */
  start: number;
  /** 0-based index of the line that closes the body (`}`, last indented line, or `end`). */
  end: number;
}

const KEYWORDS: ReadonlySet<string> = new Set([
  'if', 'for', 'while', 'switch', 'catch', 'return', 'function', 'await', 'typeof', 'new', 'super', 'else',
  'do', 'try', 'with', 'delete', 'void', 'throw', 'case', 'sizeof', 'yield', 'import', 'export', 'match', 'loop',
  'in', 'of', 'instanceof', 'using', 'lock', 'foreach', 'synchronized', 'defer', 'go', 'select', 'elif',
]);

const SCRIPT_FUNCTION = /\bfunction\b\s*\*?\s*([A-Za-z_$][\w$]*)?\s*(?:<[^>]*>)?\s*\(/;
const SCRIPT_FUNCTION_OWNER = /(?:\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=|([A-Za-z_$][\w$]*)\s*:)\s*(?:async\s+)?function\b/;
const SCRIPT_ARROW = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(?:async\s*)?(?:<[^>]*>\s*)?(?:\(|[A-Za-z_$][\w$]*\s*=>)/;
const SCRIPT_METHOD = /^\s*(?:(?:public|private|protected|static|async|readonly|override|abstract|declare|get|set)\s+)*\*?\s*(#?[A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(/;
const GO_FUNCTION = /^\s*func\s*(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?\(/;
const RUST_FUNCTION = /\bfn\s+([A-Za-z_]\w*)\s*(?:<[^>]*>\s*)?\(/;
/** GNU style C: the return type on the line above, the name at column 0. */
const C_NAME_AT_COLUMN_ZERO = /^([A-Za-z_]\w*)\s*\(/;
const C_LIKE_FUNCTION = /^\s*(?:(?:[\w$<>[\],.?*&~]+\s+)+[*&]*\s*([A-Za-z_$~][\w$~]*)|([A-Za-z_]\w*::~?[A-Za-z_]\w*))\s*\(/;

function headerAt(code: string, language: SourceLanguage): Header | null {
  if (!code.includes('(') && !code.includes('=>')) return null;
  return language === 'ts' || language === 'js' ? scriptHeader(code) : compiledHeader(code, language);
}

/** Go `func`, Rust `fn`, and C-like `type name(...)` definitions. */
function compiledHeader(code: string, language: SourceLanguage): Header | null {
  const pattern = language === 'go' ? GO_FUNCTION : language === 'rs' ? RUST_FUNCTION : C_LIKE_FUNCTION;
  const columnZero = language === 'c' || language === 'cpp' ? C_NAME_AT_COLUMN_ZERO : null;
  const match = pattern.exec(code) ?? columnZero?.exec(code) ?? null;
  const name = match?.[1] ?? match?.[2];
  if (match === null || name === undefined || KEYWORDS.has(name)) return null;
  if (language !== 'go' && language !== 'rs' && /^\s*(?:return|new|else|throw|case|delete|await)\b/.test(code)) return null;
  return { name, kind: 'function', column: match.index + match[0].length - 1 };
}

function scriptHeader(code: string): Header | null {
  const declared = SCRIPT_FUNCTION.exec(code);
  if (declared !== null) {
    const owner = SCRIPT_FUNCTION_OWNER.exec(code);
    const name = declared[1] ?? owner?.[1] ?? owner?.[2] ?? (/\bexport\s+default\b/.test(code) ? 'default' : null);
    if (name === null) return null;
    return { name, kind: 'function', column: declared.index + declared[0].length - 1 };
  }
  const arrow = SCRIPT_ARROW.exec(code);
  if (arrow?.[1] !== undefined) {
    return { name: arrow[1], kind: 'arrow', column: code.indexOf('=', arrow.index + arrow[0].indexOf(arrow[1])) + 1 };
  }
  // A statement ending in `;` is a call or a declaration, never a method header: skip the body search.
  const method = code.trimEnd().endsWith(';') ? null : SCRIPT_METHOD.exec(code);
  if (method?.[1] !== undefined && !KEYWORDS.has(method[1])) {
    return { name: method[1], kind: 'method', column: method.index + method[0].length - 1 };
  }
  return null;
}

function braceFunctions(codes: readonly string[], language: SourceLanguage): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  codes.forEach((code, line) => {
    const header = headerAt(code, language);
    if (header === null) return;
    const body = findBodyStart(codes, line, header, language);
    if (body === null) return;
    const end = findBodyEnd(codes, body);
    if (end >= 0) spans.push({ name: header.name, start: line, end });
  });
  return spans;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The last line indented deeper than `indent` after `header` (Python blocks); `header` itself when none is. */
function indentedBlockEnd(codes: readonly string[], header: number, indent: number): number {
  let end = header;
  for (let next = header + 1; next < codes.length; next += 1) {
    const text = codes[next] ?? '';
    if (text.trim() === '') continue;
    if (indentOf(text) <= indent) break;
    end = next;
  }
  return end;
}

function pythonFunctions(codes: readonly string[]): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  codes.forEach((code, line) => {
    const match = /^(\s*)(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(code);
    if (match?.[2] === undefined) return;
    const indent = match[1]?.length ?? 0;
    let index = line;
    let depth = 0;
    for (; index < codes.length - 1; index += 1) {
      for (const character of codes[index] ?? '') {
        if ('([{'.includes(character)) depth += 1;
        else if (')]}'.includes(character)) depth -= 1;
      }
      if (depth <= 0) break;
    }
    if (!(codes[index] ?? '').trimEnd().endsWith(':')) {
      spans.push({ name: match[2], start: line, end: index });
      return;
    }
    spans.push({ name: match[2], start: line, end: indentedBlockEnd(codes, index, indent) });
  });
  return spans;
}

function rubyFunctions(codes: readonly string[]): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  codes.forEach((code, line) => {
    const match = /^(\s*)def\s+([\w.?!=]+)/.exec(code);
    if (match?.[2] === undefined) return;
    const indent = match[1]?.length ?? 0;
    for (let next = line + 1; next < codes.length; next += 1) {
      const text = codes[next] ?? '';
      if (text.trim() === '' || indentOf(text) > indent) continue;
      if (text.trim() === 'end') spans.push({ name: match[2], start: line, end: next });
      return;
    }
  });
  return spans;
}

const BRACE_CLASS = /\b(?:class|struct|interface|impl|trait|enum|object)\s+([A-Za-z_$][\w$]*)/;

/** Classes (and Rust impls, Java interfaces...) with their body range, so methods can be named `Class.method`. */
function braceClasses(codes: readonly string[]): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  codes.forEach((code, line) => {
    const match = BRACE_CLASS.exec(code);
    if (match?.[1] === undefined) return;
    for (let index = line; index < Math.min(codes.length, line + HEADER_LOOKAHEAD_LINES); index += 1) {
      const text = codes[index] ?? '';
      const from = index === line ? match.index : 0;
      const column = text.indexOf('{', from);
      const semicolon = text.indexOf(';', from);
      if (semicolon >= 0 && (column < 0 || semicolon < column)) return;
      if (column < 0) continue;
      const end = findBodyEnd(codes, { line: index, column });
      if (end >= 0) spans.push({ name: match[1], start: line, end });
      return;
    }
  });
  return spans;
}

function pythonClasses(codes: readonly string[]): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  codes.forEach((code, line) => {
    const match = /^(\s*)class\s+([A-Za-z_]\w*)/.exec(code);
    if (match?.[2] === undefined) return;
    spans.push({ name: match[2], start: line, end: indentedBlockEnd(codes, line, match[1]?.length ?? 0) });
  });
  return spans;
}

/** Prefixes each function with the innermost class whose body holds it: `_parse` → `ZodString._parse`. */
function qualify(functions: readonly FunctionSpan[], classes: readonly FunctionSpan[]): FunctionSpan[] {
  return functions.map((span) => {
    let owner: FunctionSpan | undefined;
    for (const candidate of classes) {
      if (candidate.start >= span.start || candidate.end < span.end) continue;
      if (owner === undefined || candidate.start > owner.start) owner = candidate;
    }
    return owner === undefined ? span : { ...span, name: `${owner.name}.${span.name}` };
  });
}

/**
 * Finds named functions, methods and const-assigned arrows (JS/TS), `def` (Python, Ruby), `func`/`fn` and C-like
 * definitions; methods are named `Class.method`. Ordered by start line; computed once per SourceFile object.
 */
export function findFunctions(file: SourceFile): readonly FunctionSpan[] {
  const cached = found.get(file);
  if (cached !== undefined) return cached;
  const spans = functionsOf(file);
  found.set(file, spans);
  return spans;
}

const found = new WeakMap<SourceFile, readonly FunctionSpan[]>();

function functionsOf(file: SourceFile): FunctionSpan[] {
  const codes = codeLines(file);
  if (file.language === 'py') return qualify(pythonFunctions(codes), pythonClasses(codes));
  if (file.language === 'rb') return rubyFunctions(codes);
  if (!usesBraces(file.language)) return [];
  return qualify(braceFunctions(codes, file.language), braceClasses(codes));
}
