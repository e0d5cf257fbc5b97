import type { Context } from 'hono';
import type { z } from 'zod';

/** A request body read and checked against its schema, or the one line that says what is wrong with it. */
export type JsonBody<T> = { ok: true; data: T } | { ok: false; error: string };

/** Reads a JSON body and validates it; `shape` shows the expected body in the error when it is not JSON. */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S, shape: string): Promise<JsonBody<z.output<S>>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { ok: false, error: `the body must be JSON: ${shape}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ') };
  return { ok: true, data: parsed.data };
}
