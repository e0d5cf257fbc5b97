import { codeLines } from './scan-lines.js';
import type { SourceFile } from './source-file.js';
import { usesBraces } from './source-language.js';

/** Branching facts about one line, from its code only (comments and strings are ignored). */
export interface LineFlow {
  /** Decision points on the line: `if`, loops, `case`, `catch`, `&&`, `||`, `??`, `?:` (Python: `and`/`or`/`elif`...). */
  decisions: number;
  /** The most control blocks (if/for/while/switch/try...) open at any point of the line. */
  peak: number;
  /** 0-based line of the keyword whose block reached `peak` on this line, when a block opened here. */
  header: number | null;
}

const BRACE_DECISIONS = /\b(?:if|for|while|case|catch)\b|&&|\|\||\?\?|\s\?\s/g;
const RUST_DECISIONS = /\b(?:if|for|while|loop)\b|&&|\|\||=>/g;
const PYTHON_DECISIONS = /\b(?:if|elif|for|while|except|and|or|case)\b/g;
/** Parentheses, braces, `;` and the keywords that open a control block, in line order. */
const BRACE_TOKENS = /[(){};]|\b(?:if|else|for|while|do|switch|try|catch|finally|loop|match|select)\b/g;
const PYTHON_CONTROL = /^\s*(?:if|elif|else|for|while|try|except|finally|with|match|case|async\s+for|async\s+with)\b/;

function countMatches(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (pattern.exec(text) !== null) count += 1;
  return count;
}

interface Frame {
  control: boolean;
  header: number;
}

function braceFlow(codes: readonly string[], decisions: RegExp): LineFlow[] {
  const frames: Frame[] = [];
  let controlOpen = 0;
  let parenDepth = 0;
  let pending: { line: number; parenDepth: number } | null = null;
  return codes.map((code, line) => {
    let peak = controlOpen;
    let header: number | null = null;
    BRACE_TOKENS.lastIndex = 0;
    for (let match = BRACE_TOKENS.exec(code); match !== null; match = BRACE_TOKENS.exec(code)) {
      const token = match[0];
      if (token === '(') parenDepth += 1;
      else if (token === ')') parenDepth = Math.max(0, parenDepth - 1);
      else if (token === ';') {
        if (pending?.parenDepth === parenDepth) pending = null;
      } else if (token === '{') {
        const control = pending !== null && pending.parenDepth === parenDepth;
        frames.push({ control, header: pending?.line ?? line });
        if (!control) continue;
        pending = null;
        controlOpen += 1;
        if (controlOpen > peak) {
          peak = controlOpen;
          header = frames.at(-1)?.header ?? line;
        }
      } else if (token === '}') {
        if (frames.pop()?.control === true) controlOpen -= 1;
      } else {
        pending = { line, parenDepth };
      }
    }
    return { decisions: countMatches(code, decisions), peak, header };
  });
}

function pythonFlow(codes: readonly string[]): LineFlow[] {
  const frames: Array<{ indent: number; control: boolean; header: number }> = [];
  let parenDepth = 0;
  let logicalStart = 0;
  return codes.map((code, line) => {
    const decisions = countMatches(code, PYTHON_DECISIONS);
    if (code.trim() === '') return { decisions, peak: 0, header: null };
    if (parenDepth === 0) {
      logicalStart = line;
      const indent = code.length - code.trimStart().length;
      while ((frames.at(-1)?.indent ?? -1) >= indent) frames.pop();
    }
    for (const character of code) {
      if ('([{'.includes(character)) parenDepth += 1;
      else if (')]}'.includes(character)) parenDepth = Math.max(0, parenDepth - 1);
    }
    const open = frames.filter((frame) => frame.control).length;
    const startCode = codes[logicalStart] ?? '';
    if (parenDepth > 0 || !code.trimEnd().endsWith(':')) return { decisions, peak: open, header: null };
    const control = PYTHON_CONTROL.test(startCode);
    frames.push({ indent: startCode.length - startCode.trimStart().length, control, header: logicalStart });
    return control ? { decisions, peak: open + 1, header: logicalStart } : { decisions, peak: open, header: null };
  });
}

/** Per-line decisions and control-block nesting for brace languages and Python; empty flow for other languages. */
export function analyzeControlFlow(file: SourceFile): LineFlow[] {
  const codes = codeLines(file);
  if (file.language === 'py') return pythonFlow(codes);
  if (!usesBraces(file.language)) return codes.map(() => ({ decisions: 0, peak: 0, header: null }));
  return braceFlow(codes, file.language === 'rs' ? RUST_DECISIONS : BRACE_DECISIONS);
}
