import type { SourceFile } from './source-file.js';
import type { SourceLanguage } from './source-language.js';

/** One line split into what the compiler sees, what is comment, and what is string literal text. */
export interface ScannedLine {
  /** The line with comments and string contents blanked to spaces (quotes kept); same length as the line. */
  code: string;
  /** The line with comments blanked but strings kept: what duplication compares. */
  stripped: string;
  /** Comment text on this line (without the `//`, `#` or `/*` markers). */
  comment: string;
  /** Contents of the string literals (or their parts) on this line. */
  strings: readonly string[];
}

interface Syntax {
  lineComments: readonly string[];
  /** `#` counts as a comment only at line start or after whitespace (shell-like languages). */
  hashNeedsSpace: boolean;
  blockComment: boolean;
  quotes: readonly string[];
  tripleQuotes: boolean;
  /** `'` opens a one-character literal (C, Go, Rust, Java); elsewhere it opens a string. */
  charLiterals: boolean;
  templates: boolean;
  goRawStrings: boolean;
  regexLiterals: boolean;
}

const C_LIKE: Syntax = {
  lineComments: ['//'],
  hashNeedsSpace: false,
  blockComment: true,
  quotes: ['"', "'"],
  tripleQuotes: false,
  charLiterals: true,
  templates: false,
  goRawStrings: false,
  regexLiterals: false,
};

const SYNTAX: Readonly<Record<SourceLanguage, Syntax>> = {
  ts: { ...C_LIKE, quotes: ['"', "'", '`'], charLiterals: false, templates: true, regexLiterals: true },
  js: { ...C_LIKE, quotes: ['"', "'", '`'], charLiterals: false, templates: true, regexLiterals: true },
  go: { ...C_LIKE, quotes: ['"', "'", '`'], goRawStrings: true },
  rs: C_LIKE,
  java: C_LIKE,
  c: C_LIKE,
  cpp: C_LIKE,
  py: { ...C_LIKE, lineComments: ['#'], blockComment: false, tripleQuotes: true, charLiterals: false },
  rb: { ...C_LIKE, lineComments: ['#'], blockComment: false, charLiterals: false },
  other: { ...C_LIKE, lineComments: ['//', '#'], hashNeedsSpace: true, charLiterals: false },
};

const CHAR_LITERAL = /^'(?:\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'/;
const REGEX_PRECEDERS = '(,=:[!&|?{};+-*%<>~^';
const REGEX_KEYWORDS = /\b(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await|instanceof)$/;

type Mode =
  | { kind: 'code' }
  | { kind: 'block_comment' }
  | { kind: 'string'; quote: string; template: boolean; multiline: boolean; stop: RegExp };

const CODE: Mode = { kind: 'code' };
const NO_STRINGS: readonly string[] = [];

/** A stretch of a line that is not code: string contents are kept in `stripped`, comments are not. */
interface Blank {
  start: number;
  end: number;
  comment: boolean;
}

/** Finds where a regex literal starting at `start` ends (index after its flags), or -1 if it is a division. */
function regexEnd(line: string, start: number, before: string): number {
  const last = before.at(-1);
  if (last !== undefined && !REGEX_PRECEDERS.includes(last) && !REGEX_KEYWORDS.test(before)) return -1;
  let inClass = false;
  for (let index = start + 1; index < line.length; index += 1) {
    const character = line[index];
    if (character === '\\') index += 1;
    else if (character === '[') inClass = true;
    else if (character === ']') inClass = false;
    else if (character === '/' && !inClass) {
      let end = index + 1;
      while (end < line.length && /[a-z]/.test(line[end] ?? '')) end += 1;
      return end;
    }
  }
  return -1;
}

function escapeForClass(text: string): string {
  return text.replace(/[\\\]^-]/g, '\\$&');
}

/** What one line's scan has gathered so far. */
interface LineState {
  line: string;
  blanks: Blank[];
  strings: string[];
  comment: string;
  /** The string literal being read (it may continue on the next line). */
  content: string;
}

/** Rebuilds a line with the blank stretches replaced by spaces (all of them, or only comments). */
function applyBlanks(line: string, blanks: readonly Blank[], commentsOnly: boolean): string {
  let result = '';
  let position = 0;
  for (const blank of blanks) {
    if (commentsOnly && !blank.comment) continue;
    result += line.slice(position, blank.start) + ' '.repeat(blank.end - blank.start);
    position = blank.end;
  }
  return result + line.slice(position);
}

class LineScanner {
  private mode: Mode = CODE;
  private readonly templateDepths: number[] = [];
  /** Characters that can change the mode in code; anything else is skipped in one jump. */
  private readonly codeStop: RegExp;
  /** The same plus braces, used inside a template's `${...}` where a `}` may resume the string. */
  private readonly templateCodeStop: RegExp;
  private readonly stringModes = new Map<string, Mode>();

  constructor(private readonly syntax: Syntax) {
    const markers = [...new Set([...syntax.quotes, ...syntax.lineComments.map((marker) => marker[0] ?? ''), '/'])];
    this.codeStop = new RegExp(`[${escapeForClass(markers.join(''))}]`, 'g');
    this.templateCodeStop = new RegExp(`[${escapeForClass([...markers, '{', '}'].join(''))}]`, 'g');
  }

  scan(line: string): ScannedLine {
    if (this.mode.kind === 'code' && this.templateDepths.length === 0) {
      this.codeStop.lastIndex = 0;
      if (!this.codeStop.test(line)) return { code: line, stripped: line, comment: '', strings: NO_STRINGS };
    }
    const state: LineState = { line, blanks: [], strings: [], comment: '', content: '' };
    let index = 0;
    while (index < line.length) {
      const mode = this.mode;
      if (mode.kind === 'block_comment') index = this.stepInBlockComment(state, index);
      else if (mode.kind === 'string') index = this.stepInString(state, mode, index);
      else index = this.stepInCode(state, index);
    }
    if (this.mode.kind === 'string') {
      if (state.content !== '') state.strings.push(state.content);
      if (!this.mode.multiline) this.mode = CODE;
    }
    const blanks = state.blanks.filter((blank) => blank.end > blank.start);
    return {
      code: applyBlanks(line, blanks, false),
      stripped: applyBlanks(line, blanks, true),
      comment: state.comment,
      strings: state.strings,
    };
  }

  private stepInBlockComment(state: LineState, index: number): number {
    const end = state.line.indexOf('*/', index);
    if (end < 0) {
      state.comment += state.line.slice(index);
      state.blanks.push({ start: index, end: state.line.length, comment: true });
      return state.line.length;
    }
    state.comment += state.line.slice(index, end);
    state.blanks.push({ start: index, end: end + 2, comment: true });
    this.mode = CODE;
    return end + 2;
  }

  private stepInString(state: LineState, mode: Extract<Mode, { kind: 'string' }>, index: number): number {
    const { line } = state;
    mode.stop.lastIndex = index;
    const found = mode.stop.exec(line);
    const stop = found === null ? line.length : found.index;
    const token = found?.[0] ?? '';
    const escape = token === '\\' ? line.slice(stop, stop + 2) : '';
    state.content += line.slice(index, stop) + escape;
    state.blanks.push({ start: index, end: stop + escape.length, comment: false });
    if (found === null || escape !== '') return stop + escape.length;
    state.strings.push(state.content);
    state.content = '';
    if (token === '${') this.templateDepths.push(0);
    this.mode = CODE;
    return stop + token.length;
  }

  /** Jumps to the next special character in code and handles it (comment, brace, quote, regex); returns where to go on. */
  private stepInCode(state: LineState, from: number): number {
    const { line, blanks } = state;
    const stop = this.templateDepths.length > 0 ? this.templateCodeStop : this.codeStop;
    stop.lastIndex = from;
    const found = stop.exec(line);
    if (found === null) return line.length;
    const index = found.index;
    const lineComment = this.lineCommentAt(line, index);
    if (lineComment !== null) {
      state.comment += line.slice(index + lineComment.length);
      blanks.push({ start: index, end: line.length, comment: true });
      return line.length;
    }
    const character = line[index] ?? '';
    if (this.syntax.blockComment && line.startsWith('/*', index)) {
      blanks.push({ start: index, end: index + 2, comment: true });
      this.mode = { kind: 'block_comment' };
      return index + 2;
    }
    if (character === '{' || character === '}') {
      this.templateBrace(character);
      return index + 1;
    }
    const opened = this.openString(line, index);
    if (opened !== null) return index + opened.length;
    const isRegex = this.syntax.regexLiterals && character === '/';
    const end = isRegex ? regexEnd(line, index, applyBlanks(line.slice(0, index), blanks, false).trimEnd()) : -1;
    if (end < 0) return index + 1;
    blanks.push({ start: index + 1, end, comment: false });
    return end;
  }

  /** Tracks braces inside a template's `${...}`; the `}` closing it resumes the template string. */
  private templateBrace(character: '{' | '}'): void {
    if (this.templateDepths.length === 0) return;
    const depth = this.templateDepths.at(-1) ?? 0;
    if (character === '}' && depth === 0) {
      this.templateDepths.pop();
      this.mode = this.stringMode('`', true, true);
    } else {
      this.templateDepths[this.templateDepths.length - 1] = depth + (character === '{' ? 1 : -1);
    }
  }

  private stringMode(quote: string, template: boolean, multiline: boolean): Mode {
    const key = `${quote}${template ? 't' : ''}`;
    let mode = this.stringModes.get(key);
    if (mode === undefined) {
      const raw = quote === '`' && this.syntax.goRawStrings;
      const alternatives = [...(raw ? [] : ['\\\\']), ...(template ? ['\\$\\{'] : []), quote];
      mode = { kind: 'string', quote, template, multiline, stop: new RegExp(alternatives.join('|'), 'g') };
      this.stringModes.set(key, mode);
    }
    return mode;
  }

  private lineCommentAt(line: string, index: number): string | null {
    for (const marker of this.syntax.lineComments) {
      if (!line.startsWith(marker, index)) continue;
      if (marker === '#' && this.syntax.hashNeedsSpace && index > 0 && !/\s/.test(line[index - 1] ?? '')) continue;
      return marker;
    }
    return null;
  }

  /** Opens a string at `index` when one starts there; returns the opening delimiter, or null. */
  private openString(line: string, index: number): string | null {
    const character = line[index] ?? '';
    if (!this.syntax.quotes.includes(character)) return null;
    if (this.syntax.tripleQuotes && line.startsWith(character.repeat(3), index)) {
      const quote = character.repeat(3);
      this.mode = this.stringMode(quote, false, true);
      return quote;
    }
    if (character === "'" && this.syntax.charLiterals && !CHAR_LITERAL.test(line.slice(index, index + 12))) {
      return null;
    }
    const backtick = character === '`';
    this.mode = this.stringMode(character, backtick && this.syntax.templates, backtick);
    return character;
  }
}

const scanned = new WeakMap<SourceFile, readonly ScannedLine[]>();
const codes = new WeakMap<SourceFile, readonly string[]>();

/** The `code` of every line (strings and comments blanked), cached per SourceFile object. */
export function codeLines(file: SourceFile): readonly string[] {
  let result = codes.get(file);
  if (result === undefined) {
    result = scanLines(file).map((line) => line.code);
    codes.set(file, result);
  }
  return result;
}

/** Scans every line of a file once (cached per SourceFile object), tracking strings and comments across lines. */
export function scanLines(file: SourceFile): readonly ScannedLine[] {
  const cached = scanned.get(file);
  if (cached !== undefined) return cached;
  const scanner = new LineScanner(SYNTAX[file.language]);
  const result = file.lines.map((line) => scanner.scan(line));
  scanned.set(file, result);
  return result;
}
