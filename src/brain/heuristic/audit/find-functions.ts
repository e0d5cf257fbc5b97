import { scanLines } from './scan-lines.js';
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

/** How far below a header the body's `{` may open (multi-line parameter lists). */
const HEADER_LOOKAHEAD_LINES = 12;

const KEYWORDS: ReadonlySet<string> = new Set([
  'if', 'for', 'while', 'switch', 'catch', 'return', 'function', 'await', 'typeof', 'new', 'super', 'else',
  'do', 'try', 'with', 'delete', 'void', 'throw', 'case', 'sizeof', 'yield', 'import', 'export', 'match', 'loop',
  'in', 'of', 'instanceof', 'using', 'lock', 'foreach', 'synchronized', 'defer', 'go', 'select', 'elif',
]);

type HeaderKind = 'function' | 'method' | 'arrow';
interface Header {
  name: string;
  kind: HeaderKind;
  /** Column where the body search starts (the parameter list, or right after `=` for arrows). */
  column: number;
}

const SCRIPT_FUNCTION = /\bfunction\b\s*\*?\s*([A-Za-z_$][\w$]*)?\s*(?:<[^>]*>)?\s*\(/;
const SCRIPT_FUNCTION_OWNER = /(?:\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=|([A-Za-z_$][\w$]*)\s*:)\s*(?:async\s+)?function\b/;
const SCRIPT_ARROW = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(?:async\s*)?(?:<[^>]*>\s*)?(?:\(|[A-Za-z_$][\w$]*\s*=>)/;
const SCRIPT_METHOD = /^\s*(?:(?:public|private|protected|static|async|readonly|override|abstract|declare|get|set)\s+)*\*?\s*(#?[A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(/;
const GO_FUNCTION = /^\s*func\s*(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?\(/;
const RUST_FUNCTION = /\bfn\s+([A-Za-z_]\w*)\s*(?:<[^>]*>\s*)?\(/;
const C_LIKE_FUNCTION = /^\s*(?:(?:[\w$<>[\],.?*&~]+\s+)+[*&]*\s*([A-Za-z_$~][\w$~]*)|([A-Za-z_]\w*::~?[A-Za-z_]\w*))\s*\(/;

function headerAt(code: string, language: SourceLanguage): Header | null {
  if (!code.includes('(') && !code.includes('=>')) return null;
  if (language === 'ts' || language === 'js') return scriptHeader(code);
  const pattern = language === 'go' ? GO_FUNCTION : language === 'rs' ? RUST_FUNCTION : C_LIKE_FUNCTION;
  const match = pattern.exec(code);
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
  const method = SCRIPT_METHOD.exec(code);
  if (method?.[1] !== undefined && !KEYWORDS.has(method[1])) {
    return { name: method[1], kind: 'method', column: method.index + method[0].length - 1 };
  }
  return null;
}

/** Finds the `{` that opens the body after a header, or null when the header is a call, a type, or an expression. */
function findBodyStart(codes: readonly string[], line: number, header: Header): { line: number; column: number } | null {
  let depth = 0;
  let seenParameters = false;
  let seenArrow = false;
  let trailer = '';
  const lastLine = Math.min(codes.length - 1, line + HEADER_LOOKAHEAD_LINES);
  for (let index = line; index <= lastLine; index += 1) {
    const code = codes[index] ?? '';
    for (let column = index === line ? header.column : 0; column < code.length; column += 1) {
      const character = code[column];
      if (character === '(' || character === '[') depth += 1;
      else if (character === ')' || character === ']') {
        depth -= 1;
        if (depth < 0) return null;
        if (depth === 0) seenParameters = true;
      } else if (depth === 0 && character === ';') return null;
      else if (depth === 0 && character === '=' && code[column + 1] === '>') {
        const rest = code.slice(column + 2).trimStart();
        if (header.kind === 'arrow' && rest !== '' && !rest.startsWith('{')) return null;
        seenArrow = true;
        column += 1;
      } else if (depth === 0 && character === '{') {
        if (header.kind === 'arrow' ? !seenArrow : !seenParameters) return null;
        if (header.kind === 'method' && !/^\s*(?::[^;=]*)?\s*$/.test(trailer)) return null;
        return { line: index, column };
      } else if (depth === 0 && seenParameters) trailer += character;
    }
    if (seenParameters) trailer += ' ';
  }
  return null;
}

/** Follows braces from the body's `{` to the line of its matching `}`; -1 if the file ends first. */
function findBodyEnd(codes: readonly string[], start: { line: number; column: number }): number {
  let depth = 0;
  for (let index = start.line; index < codes.length; index += 1) {
    const code = codes[index] ?? '';
    for (let column = index === start.line ? start.column : 0; column < code.length; column += 1) {
      const character = code[column];
      if (character === '{') depth += 1;
      else if (character === '}') {
        depth -= 1;
        if (depth === 0) return index;
      }
    }
  }
  return -1;
}

function braceFunctions(codes: readonly string[], language: SourceLanguage): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  codes.forEach((code, line) => {
    const header = headerAt(code, language);
    if (header === null) return;
    const body = findBodyStart(codes, line, header);
    if (body === null) return;
    const end = findBodyEnd(codes, body);
    if (end >= 0) spans.push({ name: header.name, start: line, end });
  });
  return spans;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
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
    let end = index;
    for (let next = index + 1; next < codes.length; next += 1) {
      const text = codes[next] ?? '';
      if (text.trim() === '') continue;
      if (indentOf(text) <= indent) break;
      end = next;
    }
    spans.push({ name: match[2], start: line, end });
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

/** Finds named functions, methods and const-assigned arrows (JS/TS), `def` (Python, Ruby), `func`/`fn` and C-like definitions; ordered by start line. */
export function findFunctions(file: SourceFile): FunctionSpan[] {
  const codes = scanLines(file).map((line) => line.code);
  if (file.language === 'py') return pythonFunctions(codes);
  if (file.language === 'rb') return rubyFunctions(codes);
  if (!usesBraces(file.language)) return [];
  return braceFunctions(codes, file.language);
}
