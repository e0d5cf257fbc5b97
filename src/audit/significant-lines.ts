import { scanLines } from './scan-lines.js';
import type { SourceFile } from './source-file.js';

/** A file reduced to the lines that carry meaning for duplication: normalised text with its 1-based line number. */
export interface SignificantLine {
  line: number;
  text: string;
}

const PUNCTUATION_ONLY = /^[\s{}()[\];,.:]*$/;
const TRIVIAL_LINES: ReadonlySet<string> = new Set([
  'else', 'else {', '} else {', 'else:', 'try {', 'try:', '} finally {', 'finally:', '} catch {', 'return;',
  'return', 'break;', 'break', 'continue;', 'continue', 'end', 'pass', 'default:', 'do {', '});', '})', '};',
]);
const IMPORT_LINE =
  /^(?:import\b|export\s+(?:type\s+)?(?:\*|\{)[^;]*\bfrom\b|from\s+\S+\s+import\b|#\s*include\b|using\s|use\s|package\s|require\s*\(|(?:const|let|var)\s+[\w${},\s]+=\s*require\s*\()/;
const IMPORT_LIST_OPENS = /^(?:import\b[^;]*\{[^}]*$|export\s+(?:type\s+)?\{[^}]*$|from\s+\S+\s+import\s*\([^)]*$|import\s*\($)/;

/** Collapses whitespace so re-indented copies still match. */
export function normaliseLine(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

function isTrivial(text: string): boolean {
  return text.length < 3 || PUNCTUATION_ONLY.test(text) || TRIVIAL_LINES.has(text);
}

/**
 * The lines duplication compares, in order: comments removed (strings kept), whitespace collapsed; blank, trivial
 * (`}`, `} else {`, `return;`...) and import lines (including multi-line import lists) left out.
 */
export function significantLines(file: SourceFile): SignificantLine[] {
  const result: SignificantLine[] = [];
  let inImportList = false;
  scanLines(file).forEach((scanned, index) => {
    const text = normaliseLine(scanned.stripped);
    if (inImportList) {
      if (/[})]/.test(text)) inImportList = false;
      return;
    }
    if (IMPORT_LIST_OPENS.test(text)) {
      inImportList = true;
      return;
    }
    if (isTrivial(text) || IMPORT_LINE.test(text)) return;
    result.push({ line: index + 1, text });
  });
  return result;
}
