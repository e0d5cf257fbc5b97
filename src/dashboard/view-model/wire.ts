import type { Budget } from '../../governor/budget.js';
import type { ChangeDiff } from '../../workspace/change-diff.js';
import type { ChangesListing } from '../../orchestrator/list-changes.js';
import type { HistoryEvent, MemoryItem, Message } from '../../protocol/index.js';
import type { CollectiveView } from './collective-view.js';

/** What the dashboard's JSON API sends; shared by the server and the browser (types only). */

/** Message text longer than this is cut in live events and timeline pages; `/api/messages/:id` has it whole. */
export const WIRE_CONTENT_CHARS = 2000;

export interface RunInfo {
  goal: string | null;
  workspace: string | null;
  runDirectory: string;
  store: string;
  /** Per-instance and collective budgets, when the run set any. */
  budgets: { perInstance: Budget; collective: Budget } | null;
}

export interface StateResponse {
  view: CollectiveView;
  /** The newest history sequence the server knows (the end of the replay slider). */
  liveSeq: number;
  liveAt: string | null;
  /** When the run's history began. */
  startedAt: string | null;
  run: RunInfo;
  /** The run's changes, as `tachikoma changes --json` lists them (live; the SSE `changes` event brings each new listing). */
  changes: ChangesListing;
}

export interface HistoryResponse {
  events: HistoryEvent[];
  /** True when more events match after the last one returned. */
  more: boolean;
}

export interface MessagesResponse {
  /** Messages matching the filter, in all. */
  total: number;
  /** Newest first, starting `offset` from the newest. */
  rows: Message[];
}

export interface MemoryResponse {
  items: (MemoryItem & { score?: number })[];
  total: number;
}

export interface LogsResponse {
  lines: string[];
}

export interface SendRequest {
  to: string;
  text: string;
  type?: string;
}

export interface ErrorResponse {
  error: string;
}

/** One entry of a notebook turn as the dashboard shows it: words, or a call with its input and result (both cut). */
export type NotebookEntryView = { kind: 'text'; text: string } | { kind: 'call'; tool: string; input: string; ok: boolean; result: string };

/** An instance's notebook (GET /api/notebook/:id): the compacted summary, then the recent turns, newest last. */
export interface NotebookResponse {
  instance: string;
  /** When it was last saved, null when the instance has none yet. */
  updatedAt: string | null;
  compactedTurns: number;
  summary: string[];
  turns: Array<{ iteration: number; at: string; cue: string; entries: NotebookEntryView[] }>;
}

export type { ChangeDiff, ChangesListing };

/** GET /api/changes/diff?branch=…: the diff of one change. */
export type ChangeDiffResponse = ChangeDiff & { branch: string };

/** POST /api/changes/veto: which change, and why. */
export interface VetoRequest {
  branch: string;
  reason: string;
}

/** The answer to a veto that was recorded. */
export interface VetoResponse {
  vetoed: string;
  proposalId: string;
  instance: string;
}
