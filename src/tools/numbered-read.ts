/** Lines one file read returns at most; the answer says which lines to read next. */
export const MAX_READ_LINES = 1000;
/** Characters of file text one read_files call returns at most, over all its files (about 6,000 tokens). */
export const READ_OUTPUT_CHARS = 24_000;
/** Characters of one line shown at most; a longer line (minified code, data) is cut and says so. */
const MAX_LINE_CHARS = 2000;

/** A file's lines as one read shows them, and the characters they took from the call's budget. */
export interface NumberedRead {
  result: Record<string, unknown>;
  used: number;
  /** Lines shown. */
  shown: number;
  /** The budget stopped the read: nothing more fits in this call. */
  full: boolean;
}

/** What a numbered line costs in the JSON the model reads: its text, quotes and escapes, and a separator. */
function cost(line: string): number {
  return JSON.stringify(line).length + 1;
}

function shortLine(line: string): string {
  return line.length <= MAX_LINE_CHARS ? line : `${line.slice(0, MAX_LINE_CHARS)}… [line cut: ${line.length} characters]`;
}

/** The note of a read that stopped at `to` before `total`: where, why, and which lines to ask for next. */
function nextNote(to: number, total: number, byBudget: boolean, lineCost: number): string {
  const fits = byBudget ? Math.max(50, Math.floor(READ_OUTPUT_CHARS / Math.max(1, lineCost))) : MAX_READ_LINES;
  const nextTo = Math.min(total, to + Math.min(fits, MAX_READ_LINES));
  const why = byBudget ? ` (this call's ${READ_OUTPUT_CHARS.toLocaleString('en')}-character output was full)` : '';
  return `cut at line ${to} of ${total}${why}: read lines ${to + 1}–${nextTo} next (fromLine ${to + 1}, toLine ${nextTo})`;
}

/**
 * A file's lines `from`..`to` numbered as `N: text`, within `budget` characters of output: the read stops at
 * MAX_READ_LINES lines or when the budget is spent, and then says which lines to read next. At least one line
 * is shown when any budget is left, so a read always moves forward.
 */
export function numberedRead(path: string, text: string, fromLine: number | undefined, toLine: number | undefined, budget = READ_OUTPUT_CHARS): NumberedRead {
  const lines = text.split('\n');
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  const total = lines.length;
  const from = Math.max(1, fromLine ?? 1);
  const last = Math.min(toLine ?? total, total, from + MAX_READ_LINES - 1);
  const width = String(Math.max(last, 1)).length;
  const numbered: string[] = [];
  let used = 0;
  for (let line = from; line <= last; line += 1) {
    const entry = `${String(line).padStart(width)}: ${shortLine(lines[line - 1] ?? '')}`;
    if (numbered.length > 0 && used + cost(entry) > budget) break;
    numbered.push(entry);
    used += cost(entry);
  }
  const to = from + numbered.length - 1;
  const result: Record<string, unknown> = { path, fromLine: from, toLine: Math.max(from - 1, to), totalLines: total, lines: numbered };
  if (from > total) result.note = `the file has only ${total} lines`;
  else if (to < Math.min(toLine ?? total, total)) result.note = nextNote(to, total, to < last, used / Math.max(1, numbered.length));
  return { result, used, shown: numbered.length, full: to < last };
}
