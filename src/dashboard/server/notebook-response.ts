import { readNotebook } from '../../brain/notebook.js';
import type { StoredDocument } from '../../store/index.js';
import type { NotebookEntryView, NotebookResponse } from '../view-model/wire.js';

/** Longest call input and result the dashboard is sent, in characters: a view, not a copy of the files read. */
const SHOWN_CHARS = 2000;

function cut(text: string): string {
  return text.length <= SHOWN_CHARS ? text : `${text.slice(0, SHOWN_CHARS)}… (${text.length} characters)`;
}

/** A stored notebook document (or none) as the dashboard's wire shape. */
export function notebookResponse(instance: string, document: StoredDocument | null): NotebookResponse {
  const notebook = readNotebook(document?.value ?? null);
  return {
    instance,
    updatedAt: document?.updatedAt ?? null,
    compactedTurns: notebook.compactedTurns,
    summary: notebook.summary,
    turns: notebook.turns.map((turn) => ({
      iteration: turn.iteration,
      at: turn.at,
      cue: turn.cue,
      entries: turn.steps.flat().map((entry): NotebookEntryView =>
        entry.kind === 'text' ? { kind: 'text', text: cut(entry.text) } : { kind: 'call', tool: entry.tool, input: cut(JSON.stringify(entry.input) ?? ''), ok: entry.ok, result: cut(entry.result) },
      ),
    })),
  };
}
