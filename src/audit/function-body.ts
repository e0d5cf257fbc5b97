import type { SourceLanguage } from './source-language.js';

/** What kind of header starts a function: its body search rules differ slightly. */
export type HeaderKind = 'function' | 'method' | 'arrow';

/** A function header found on a line: its name, kind, and where its parameter list (or arrow) starts. */
export interface Header {
  name: string;
  kind: HeaderKind;
  /** Column where the body search starts (the parameter list, or right after `=` for arrows). */
  column: number;
}

/** A position in a file: 0-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** How far below a header the body's `{` may open (multi-line parameter lists). */
export const HEADER_LOOKAHEAD_LINES = 12;

type Step = 'next' | 'fail' | 'body';

/** Walks a header character by character until the body's `{`, rejecting calls, expressions and declarations. */
class BodySearch {
  private depth = 0;
  private typeDepth = 0;
  private seenParameters = false;
  private seenArrow = false;
  private skipNext = false;
  private trailer = '';

  constructor(
    private readonly kind: HeaderKind,
    /** TS/JS: a `{` right after `:` (or `|`, `&`, `<`, `,`) opens an object type, not the body. */
    private readonly typeLiterals: boolean,
  ) {}

  step(code: string, column: number): Step {
    const character = code[column] ?? '';
    if (this.skipNext) this.skipNext = false;
    else if (this.typeDepth > 0) this.typeDepth += character === '{' ? 1 : character === '}' ? -1 : 0;
    else if (character === '(' || character === '[') this.depth += 1;
    else if (character === ')' || character === ']') return this.close();
    else if (this.depth > 0) return 'next';
    else if (character === ';') return 'fail';
    else if (character === '=' && code[column + 1] === '>') return this.arrow(code.slice(column + 2));
    else if (character === '{') return this.brace();
    else if (this.seenParameters) this.trailer += character;
    return 'next';
  }

  endOfLine(): void {
    if (this.seenParameters) this.trailer += ' ';
  }

  private close(): Step {
    this.depth -= 1;
    if (this.depth === 0) this.seenParameters = true;
    return this.depth < 0 ? 'fail' : 'next';
  }

  private arrow(rest: string): Step {
    const body = rest.trimStart();
    if (this.kind === 'arrow' && body !== '' && !body.startsWith('{')) return 'fail';
    this.seenArrow = true;
    this.skipNext = true;
    return 'next';
  }

  private brace(): Step {
    if (this.typeLiterals && this.seenParameters && /[:|&<,]\s*$/.test(this.trailer)) {
      this.typeDepth = 1;
      this.trailer += 'type ';
      return 'next';
    }
    if (this.kind === 'arrow' ? !this.seenArrow : !this.seenParameters) return 'fail';
    if (this.kind === 'method' && !/^\s*(?::[^;=]*)?\s*$/.test(this.trailer)) return 'fail';
    return 'body';
  }
}

/** Finds the `{` that opens the body after a header, or null when the header is a call, a type, or an expression. */
export function findBodyStart(
  codes: readonly string[],
  line: number,
  header: Header,
  language: SourceLanguage,
): Position | null {
  const search = new BodySearch(header.kind, language === 'ts' || language === 'js');
  const lastLine = Math.min(codes.length - 1, line + HEADER_LOOKAHEAD_LINES);
  for (let index = line; index <= lastLine; index += 1) {
    const code = codes[index] ?? '';
    for (let column = index === line ? header.column : 0; column < code.length; column += 1) {
      const step = search.step(code, column);
      if (step === 'fail') return null;
      if (step === 'body') return { line: index, column };
    }
    search.endOfLine();
  }
  return null;
}

/** Follows braces from the body's `{` to the line of its matching `}`; -1 if the file ends first. */
export function findBodyEnd(codes: readonly string[], start: Position): number {
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
