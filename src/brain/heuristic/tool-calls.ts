import { z } from 'zod';
import type { ToolBox } from '../brain.js';

/** A tool call the heuristic brain needed failed; the message is the tool's own error. */
export class ToolCallFailed extends Error {
  constructor(
    readonly tool: string,
    readonly reason: string,
  ) {
    super(`${tool}: ${reason}`);
    this.name = 'ToolCallFailed';
  }
}

/** Calls a tool and parses its result with `schema`; throws ToolCallFailed when the tool refuses. */
export async function use<S extends z.ZodType>(tools: ToolBox, name: string, input: unknown, schema: S): Promise<z.output<S>> {
  const result = await tools.call(name, input);
  if (!result.ok) throw new ToolCallFailed(name, result.error);
  return schema.parse(result.data);
}

/** Calls a tool whose result is not needed; returns the error text, or null when it worked. */
export async function act(tools: ToolBox, name: string, input: unknown): Promise<string | null> {
  const result = await tools.call(name, input);
  return result.ok ? null : result.error;
}

/** Like `use`, but a refusal becomes null (for calls that may legitimately lose a race, like claims). */
export async function tryUse<S extends z.ZodType>(tools: ToolBox, name: string, input: unknown, schema: S): Promise<z.output<S> | null> {
  const result = await tools.call(name, input);
  return result.ok ? schema.parse(result.data) : null;
}

export const anyResult = z.unknown();
