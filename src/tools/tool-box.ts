import type { z } from 'zod';

/** What a tool returns to the brain: ok with data, or an error the brain can read and react to. */
export type ToolResult = { ok: true; data: unknown } | { ok: false; error: string };

/** A tool a brain may call: name, description, zod input schema. */
export interface ToolSpec {
  name: string;
  description: string;
  input: z.ZodType;
  /** Characters of its result the model is shown, when the tool budgets its own output above the usual cut. */
  maxResultChars?: number;
}

/** The tools a brain gets for one turn. Every call is validated, run, and recorded by the instance. */
export interface ToolBox {
  readonly specs: readonly ToolSpec[];
  call(name: string, input: unknown): Promise<ToolResult>;
}
