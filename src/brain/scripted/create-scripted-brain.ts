import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseJsonRecord } from '../../protocol/index.js';
import type { Message } from '../../protocol/index.js';
import type { Brain, BrainSetup, ToolBox, ToolResult, TurnContext, TurnOutcome } from '../brain.js';
import { type BrainScript, type ScriptedCall, brainScriptSchema } from './brain-script.js';

/** Replaces {{name}} in every string of a JSON value. */
function fill(value: unknown, variables: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => variables[name] ?? whole);
  if (Array.isArray(value)) return value.map((entry) => fill(entry, variables));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, fill(entry, variables)]));
  }
  return value;
}

function matches(rule: BrainScript['onMessage'][number], message: Message): boolean {
  const { type, from, contentIncludes } = rule.match;
  return (type === undefined || type === message.type) && (from === undefined || from === message.from) &&
    (contentIncludes === undefined || message.content.includes(contentIncludes));
}

/** Where a scripted brain records what it was given, one JSON line per turn. */
export function scriptedRecordPath(runDirectory: string, instanceId: string): string {
  return join(runDirectory, 'scripted', `${instanceId}.jsonl`);
}

/** Loads and validates a script file. */
export function loadBrainScript(path: string): BrainScript {
  return parseJsonRecord(brainScriptSchema, readFileSync(path, 'utf8'), `brain script ${path}`);
}

/**
 * A brain that plays a script and records every turn's context and tool results (for tests and demos).
 * Options: `script` (path to a script JSON file, relative to the workspace) or `inline` (the script itself).
 */
export function createScriptedBrain(setup: BrainSetup): Brain {
  const { script: scriptPath, inline } = setup.options;
  const script: BrainScript =
    inline !== undefined
      ? brainScriptSchema.parse(inline)
      : typeof scriptPath === 'string'
        ? loadBrainScript(resolve(setup.workspace, scriptPath))
        : brainScriptSchema.parse({ version: 1 });
  const recordPath = scriptedRecordPath(setup.runDirectory, setup.instanceId);
  mkdirSync(dirname(recordPath), { recursive: true });

  async function runCalls(calls: readonly ScriptedCall[], tools: ToolBox, variables: Record<string, string>): Promise<Array<{ tool: string; result: ToolResult }>> {
    const results = [];
    for (const call of calls) results.push({ tool: call.tool, result: await tools.call(call.tool, fill(call.input, variables)) });
    return results;
  }

  return {
    name: 'scripted',
    async turn(context: TurnContext, tools: ToolBox, signal: AbortSignal): Promise<TurnOutcome> {
      if (script.thinkMs > 0) await sleep(script.thinkMs, undefined, { signal }).catch(() => undefined);
      const base = { self: context.instance.id, role: context.instance.role, iteration: String(context.instance.iteration) };
      const results: Array<{ tool: string; result: ToolResult }> = [];
      const planned = script.turns[context.instance.iteration];
      if (planned !== undefined) results.push(...(await runCalls(planned.calls, tools, base)));
      for (const message of context.inbox) {
        const rule = script.onMessage.find((candidate) => matches(candidate, message));
        if (rule === undefined) continue;
        const variables = { ...base, from: message.from, content: message.content, type: message.type, id: message.id, seq: String(message.seq) };
        results.push(...(await runCalls(rule.calls, tools, variables)));
      }
      appendFileSync(
        recordPath,
        `${JSON.stringify({
          iteration: context.instance.iteration,
          pid: process.pid,
          inbox: context.inbox.map((message) => ({ seq: message.seq, id: message.id, from: message.from, to: message.to, type: message.type, content: message.content })),
          peers: context.peers.map((peer) => ({ id: peer.id, status: peer.status })),
          currentTask: context.currentTask?.id ?? null,
          memory: context.memory.map((item) => item.id),
          tools: results.map((entry) => ({ tool: entry.tool, ok: entry.result.ok, ...(entry.result.ok ? {} : { error: entry.result.error }) })),
        })}\n`,
      );
      const idle = context.instance.iteration + 1 >= script.turns.length;
      return { summary: planned?.summary ?? `handled ${context.inbox.length} message(s)`, idle, ...(planned?.done === true ? { done: true } : {}) };
    },
  };
}
