import type { Notebook, NotebookEntry, NotebookTurn } from '../notebook.js';
import { clip } from './clip.js';

/** The notebook's budget when `notebookTokens` is not set: about 48,000 characters. */
export const DEFAULT_NOTEBOOK_TOKENS = 12_000;

/**
 * The notebook's budget inside one call's prompt budget: the notebook rides along on every call of a turn, so it
 * gets at most half of `maxPromptTokens`, leaving the other half to the system prompt, the turn's prompt and
 * the turn's own tool results.
 */
export function notebookBudget(maxPromptTokens: number, notebookTokens: number = DEFAULT_NOTEBOOK_TOKENS): number {
  return Math.max(0, Math.min(notebookTokens, Math.floor(maxPromptTokens / 2)));
}

/** Rough tokens of a text: characters / 4, the usual rule for English and code. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** What the notebook costs in the prompt, in estimated tokens. */
export function notebookTokens(notebook: Notebook): number {
  return estimateTokens(notebook.summary.reduce((sum, line) => sum + line.length + 3, 0) + JSON.stringify(notebook.turns).length);
}

/** Message-writing tools: in the summary their calls read as the instance's own words ("you sent …"). */
const OWN_WORDS: Record<string, string> = {
  send_message: 'you sent',
  share_finding: 'you shared',
  answer: 'you answered',
  ask: 'you asked',
  propose: 'you proposed',
  vote: 'you voted',
  announce_consensus: 'you announced',
  complete_task: 'you completed',
  fail_task: 'you failed',
  write_report: 'you wrote the report',
};

function describeValue(value: unknown, max: number): string {
  if (typeof value === 'string') return JSON.stringify(clip(value, max));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, 6).map((item) => (typeof item === 'string' ? clip(item, 60) : describeValue(item, 30)));
    return `[${shown.join(', ')}${value.length > shown.length ? `, … ${value.length - shown.length} more` : ''}]`;
  }
  return '{…}';
}

/** A call's input in a few words: every field, strings cut short, evidence kept as references. */
function describeInput(input: unknown): string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return describeValue(input, 80);
  return Object.entries(input)
    .slice(0, 6)
    .map(([key, value]) => `${key}: ${describeValue(value, key === 'content' || key === 'result' || key === 'reason' ? 160 : 80)}`)
    .join(', ');
}

const ID_FIELD = /"(id|taskId|messageId|proposalId|memoryId|decisionId)"\s*:\s*"([^"]{1,80})"/g;

/** A result in a few words: ok with the ids it names, or the error; file contents and lists are dropped. */
function describeResult(entry: Extract<NotebookEntry, { kind: 'call' }>): string {
  if (!entry.ok) {
    const error = /"error"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(entry.result)?.[1] ?? entry.result;
    return `failed: ${clip(error, 160)}`;
  }
  const ids = [...entry.result.matchAll(ID_FIELD)].slice(0, 3).map((match) => `${match[1] ?? ''} ${match[2] ?? ''}`);
  return ids.length === 0 ? 'ok' : `ok (${ids.join(', ')})`;
}

function describeEntry(entry: NotebookEntry): string {
  if (entry.kind === 'text') return `you said: ${JSON.stringify(clip(entry.text, 200))}`;
  const own = OWN_WORDS[entry.tool];
  const call = `${entry.tool}(${describeInput(entry.input)}) → ${describeResult(entry)}`;
  return own === undefined ? call : `${own}: ${call}`;
}

/** Longest summary line of one turn, in characters. */
export const SUMMARY_LINE_CHARS = 800;

/** One turn as one summary line: what prompted it, each call with its key input and result, what it said. */
export function summarizeTurn(turn: NotebookTurn): string {
  const entries = turn.steps.flat().map(describeEntry);
  const body = entries.length === 0 ? 'did nothing' : entries.join('; ');
  return clip(`Turn ${turn.iteration + 1} (${clip(turn.cue, 120)}): ${body}`, SUMMARY_LINE_CHARS);
}

/** Cuts every call result of a turn to `max` characters (a note says how long it was). */
function clipResults(turn: NotebookTurn, max: number): NotebookTurn {
  const steps = turn.steps.map((step) =>
    step.map((entry) =>
      entry.kind === 'call' && entry.result.length > max ? { ...entry, result: `${entry.result.slice(0, max)}… [cut from ${entry.result.length} characters when the notebook was compacted]` } : entry,
    ),
  );
  return { ...turn, steps };
}

/**
 * Keeps a notebook within `budgetTokens`. Under budget it is returned as it is (its prompt prefix stays
 * the same, so providers keep their cache). Over budget, the oldest turns are folded into one summary line
 * each until the notebook is at half the budget (so compaction happens rarely), always keeping the newest
 * turn; the summary keeps at most a quarter of the budget, dropping its oldest lines; a newest turn still
 * too large has its results cut. Deterministic: no model call.
 */
export function compactNotebook(notebook: Notebook, budgetTokens: number = DEFAULT_NOTEBOOK_TOKENS): Notebook {
  if (notebookTokens(notebook) <= budgetTokens) return notebook;
  const turns = [...notebook.turns];
  const summary = [...notebook.summary];
  let compactedTurns = notebook.compactedTurns;
  const folded = (): Notebook => ({ ...notebook, summary, turns, compactedTurns });
  while (turns.length > 1 && notebookTokens(folded()) > budgetTokens / 2) {
    const oldest = turns.shift();
    if (oldest === undefined) break;
    summary.push(summarizeTurn(oldest));
    compactedTurns += 1;
  }
  const summaryChars = budgetTokens; // a quarter of the budget's characters
  while (summary.length > 1 && summary.reduce((sum, line) => sum + line.length, 0) > summaryChars) summary.shift();
  let result = folded();
  for (let max = 8000; notebookTokens(result) > budgetTokens && max >= 250; max = Math.floor(max / 2)) {
    result = { ...result, turns: result.turns.map((turn) => clipResults(turn, max)) };
  }
  return result;
}
