import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ToolBox, ToolResult } from './tool-box.js';
import { ProtocolError, canonicalJson, describeIssues } from '../protocol/index.js';
import { StoreError } from '../store/index.js';
import type { ToolDefinition, ToolEnvironment } from './tool-definition.js';

/** One recorded tool call: what was asked, whether it worked, how long it took. */
export interface ToolCallRecord {
  tool: string;
  input: unknown;
  ok: boolean;
  error?: string;
  ms: number;
}

export interface ToolBoxSetup extends Omit<ToolEnvironment, 'nextMessageId' | 'seen'> {
  /** What this instance has been shown already (default: nothing). */
  seen?: { seq: number };
  tools: readonly ToolDefinition[];
  /** Identifies the turn; message ids derive from it and from each call, so a replayed turn repeats the same ids for the same calls. */
  turnKey: string;
  /** Tool names this caller may use (its role's permissions); absent → every tool. */
  allowed?: ReadonlySet<string>;
  /** Loop guard: a reason to refuse a call before it runs, or null. */
  guard?: (name: string, input: unknown) => string | null;
  /** Called before and after each call (status, logs). */
  onCall?: (phase: 'start' | 'end', record: ToolCallRecord) => void;
}

/** A deterministic message id for write `callKey` (see callKey) of a turn of an instance. */
export function turnMessageId(self: string, turnKey: string, callKey: string): string {
  return `msg_${createHash('sha256').update(`${self}\u0001${turnKey}\u0001${callKey}`).digest('hex').slice(0, 32)}`;
}

/**
 * Names one write of one call: the tool, its input (canonical JSON), which occurrence of that same call this is
 * within the turn, and which write of the call. A replayed turn that makes the same calls gets the same ids, and
 * the store returns what the first life wrote; a replay whose model chose differently (another answer, another
 * recipient) gets new ids, so its new effects are stored instead of being mistaken for the old ones.
 */
export function callKey(tool: string, input: unknown, occurrence: number, write: number): string {
  return `${tool}\u0001${canonicalJson(input)}\u0001${occurrence}\u0001${write}`;
}

function errorText(error: unknown): string {
  if (StoreError.isInstance(error)) return `${error.code}: ${error.message}`;
  if (ProtocolError.isInstance(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Builds the tool box for one turn: every call is checked against the tool's schema and the caller's role,
 * run, and recorded; failures come back to the brain as `{ ok: false, error }`, never as exceptions.
 */
export function createToolBox(setup: ToolBoxSetup): ToolBox & { readonly calls: readonly ToolCallRecord[] } {
  const byName = new Map(setup.tools.map((tool) => [tool.name, tool]));
  const calls: ToolCallRecord[] = [];
  const occurrences = new Map<string, number>();
  const environment: Omit<ToolEnvironment, 'nextMessageId'> = {
    store: setup.store,
    self: setup.self,
    role: setup.role,
    signal: setup.signal,
    currentTask: setup.currentTask,
    leaseMs: setup.leaseMs,
    seen: setup.seen ?? { seq: 0 },
    workspace: setup.workspace,
    runDirectory: setup.runDirectory,
    ...(setup.changes === undefined ? {} : { changes: setup.changes }),
  };
  /** The environment of one call: its message ids are derived from the call itself (see callKey). */
  const callEnvironment = (name: string, input: unknown): ToolEnvironment => {
    const same = `${name}\u0001${canonicalJson(input)}`;
    const occurrence = occurrences.get(same) ?? 0;
    occurrences.set(same, occurrence + 1);
    let write = 0;
    return { ...environment, nextMessageId: () => turnMessageId(setup.self, setup.turnKey, callKey(name, input, occurrence, write++)) };
  };
  const permitted = (tool: ToolDefinition): boolean =>
    (tool.roles === undefined || tool.roles.includes(setup.role)) && (setup.allowed === undefined || setup.allowed.has(tool.name));
  const visible = setup.tools.filter(permitted);
  return {
    specs: visible.map((tool) => ({ name: tool.name, description: tool.description, input: tool.input, ...(tool.maxResultChars === undefined ? {} : { maxResultChars: tool.maxResultChars }) })),
    calls,
    async call(name: string, input: unknown): Promise<ToolResult> {
      const started = performance.now();
      const finish = (result: ToolResult): ToolResult => {
        const record: ToolCallRecord = { tool: name, input, ok: result.ok, ms: performance.now() - started, ...(result.ok ? {} : { error: result.error }) };
        calls.push(record);
        setup.onCall?.('end', record);
        return result;
      };
      const tool = byName.get(name);
      if (tool === undefined) return finish({ ok: false, error: `unknown tool ${JSON.stringify(name)}; tools: ${visible.map((entry) => entry.name).join(', ')}` });
      if (!permitted(tool)) return finish({ ok: false, error: `the ${setup.role} role may not use ${name}` });
      const parsed = tool.input.safeParse(input);
      if (!parsed.success) return finish({ ok: false, error: `invalid input for ${name}: ${describeIssues(parsed.error).join('; ')}` });
      const refusal = setup.guard?.(name, parsed.data) ?? null;
      if (refusal !== null) return finish({ ok: false, error: refusal });
      setup.onCall?.('start', { tool: name, input, ok: true, ms: 0 });
      try {
        const data: unknown = await tool.run(parsed.data, callEnvironment(name, parsed.data));
        return finish({ ok: true, data: data ?? null });
      } catch (error) {
        return finish({ ok: false, error: errorText(error) });
      }
    },
  };
}

/** JSON Schema of a tool's input, for brains that describe tools to a model. */
export function toolInputJsonSchema(tool: { input: z.ZodType }): unknown {
  return z.toJSONSchema(tool.input, { unrepresentable: 'any' });
}
