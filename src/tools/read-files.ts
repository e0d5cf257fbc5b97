import { z } from 'zod';
import type { Task } from '../protocol/index.js';
import { readRegularText } from '../workspace/read-regular-text.js';
import { inScope } from '../workspace/task-scope.js';
import { resolveInWorkspace } from '../workspace/workspace-path.js';
import { recordCoverage } from './coverage.js';
import { readRoot } from './instance-root.js';
import { MAX_READ_LINES, READ_OUTPUT_CHARS, numberedRead } from './numbered-read.js';
import { type ToolEnvironment, defineTool } from './tool-definition.js';

/** A line range this short is a check of cited lines, never a second read of a file: it is always allowed. */
export const SPOT_CHECK_LINES = 60;

/** Who else has read each file (read_files or audit_files), from the coverage map. */
async function readByOthers(env: ToolEnvironment): Promise<Map<string, string[]>> {
  const others = new Map<string, string[]>();
  try {
    for (const entry of await env.store.listCoverage()) {
      if (entry.instance === env.self || entry.via === 'grep') continue;
      others.set(entry.area, [...(others.get(entry.area) ?? []), entry.instance]);
    }
  } catch {
    // Coverage is advisory: without it every file is read.
  }
  return others;
}

/** Work tasks other instances hold now: their scopes are being read by them. */
async function claimedByOthers(env: ToolEnvironment): Promise<Task[]> {
  try {
    return (await env.store.listTasks({ state: 'claimed' })).filter((task) => task.owner !== env.self && task.kind === 'work' && task.scope.length > 0);
  } catch {
    return [];
  }
}

async function heldTask(env: ToolEnvironment): Promise<Task | null> {
  if (env.currentTask.id === null) return null;
  try {
    const task = await env.store.getTask(env.currentTask.id);
    return task?.owner === env.self && task.state === 'claimed' ? task : null;
  } catch {
    return null;
  }
}

interface ReadInput {
  paths: string[];
  fromLine?: number | undefined;
  toLine?: number | undefined;
  again?: boolean | undefined;
}

/** What read_files knows of the division of labour: who read what, whose claimed task covers what, and my task. */
interface Division {
  readers: Map<string, string[]>;
  claimed: Task[];
  task: Task | null;
}

/**
 * Why a file is not read, or null when it may be: a file another instance has read, or one in the scope of a
 * work task another instance holds, is not read unless this instance's task is a review, the file is in its
 * task's scope, the read is a spot check of a few lines, or the model asks for it (`again`). The division of
 * labour then holds without anyone counting reads, also when two instances start on the same files at once.
 */
function secondReadRefusal(path: string, input: ReadInput, division: Division): string | null {
  const { task } = division;
  if (input.again === true) return null;
  if (task !== null && (task.kind === 'review' || inScope(path, task.scope))) return null;
  if (input.fromLine !== undefined && input.toLine !== undefined && input.toLine - input.fromLine < SPOT_CHECK_LINES) return null;
  const readers = division.readers.get(path) ?? [];
  const holder = division.claimed.find((claimed) => inScope(path, claimed.scope));
  if (readers.length === 0 && holder === undefined) return null;
  const who = readers.length > 0 ? `${readers.join(', ')} already read this file` : `it is in the scope of task ${holder?.id ?? ''}, which ${holder?.owner ?? 'another instance'} holds`;
  const where = task === null ? 'you hold no task' : `it is outside the scope of your task ${task.id}`;
  return `not read: ${who} and ${where}; what they find is in the collective memory (search_memory). To check a few cited lines, pass fromLine/toLine (up to ${SPOT_CHECK_LINES} lines); to read it all anyway, call read_files with again: true`;
}

/** Reads the files in order within READ_OUTPUT_CHARS; files past the budget say so instead of being cut mid-way. */
async function readFiles(input: ReadInput, env: ToolEnvironment): Promise<Array<Record<string, unknown>>> {
  const root = await readRoot(env);
  const [readers, claimed, task] = await Promise.all([readByOthers(env), claimedByOthers(env), heldTask(env)]);
  const division: Division = { readers, claimed, task };
  let budget = READ_OUTPUT_CHARS;
  const read: string[] = [];
  const results = input.paths.map((path): Record<string, unknown> => {
    const refusal = secondReadRefusal(path, input, division);
    if (refusal !== null) return { path, notRead: refusal };
    if (budget <= 0) return { path, notRead: `not read: this call's ${READ_OUTPUT_CHARS.toLocaleString('en')}-character output was full; read it in another call` };
    try {
      const { result, used, shown, full } = numberedRead(path, readRegularText(resolveInWorkspace(root, path), path), input.fromLine, input.toLine, budget);
      budget = full ? 0 : budget - used;
      // A spot check of a few lines is recorded as that range: it does not make the file covered for others.
      read.push(shown > SPOT_CHECK_LINES || shown === result.totalLines ? path : `${path}:${String(result.fromLine)}-${String(result.toLine)}`);
      return result;
    } catch (error) {
      return { path, error: error instanceof Error ? error.message : String(error) };
    }
  });
  await recordCoverage(env, 'read_files', read);
  return results;
}

/** Room in the rendered result for each file's keys and notes besides its lines. */
const PER_FILE_OVERHEAD_CHARS = 400;

/** read_files: numbered lines, a budget per call with "read next" hints, and no unasked second reads. */
export const READ_FILES_TOOL = defineTool({
  name: 'read_files',
  description:
    `Read up to 50 workspace files (text, at most 256 KiB each), optionally a line range of each. Lines come numbered ("12: text"), at most ${MAX_READ_LINES} per file and ` +
    `${READ_OUTPUT_CHARS.toLocaleString('en')} characters per call; a cut read says which lines to read next, and files past the budget say to read them in another call. ` +
    'A file another instance already read, or one in the scope of a task another instance holds, is not read unless it is in your task\'s scope, your task is a review, you ask for a few lines, or you pass again: true.',
  maxResultChars: READ_OUTPUT_CHARS + 50 * PER_FILE_OVERHEAD_CHARS,
  input: z.strictObject({
    paths: z.array(z.string().min(1).max(1000)).min(1).max(50).describe('Workspace files to read, relative to the workspace root.'),
    fromLine: z.number().int().min(1).optional().describe('First line to read, 1-based (default 1); applies to every path.'),
    toLine: z.number().int().min(1).optional().describe(`Last line to read, inclusive (default: the end, at most ${MAX_READ_LINES} lines after fromLine).`),
    again: z.boolean().optional().describe('true: read files another instance already read, outside your task\'s scope (a second read costs; use it only with a reason).'),
  }),
  run: readFiles,
});
