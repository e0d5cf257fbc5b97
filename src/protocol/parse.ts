import { TachikomaError } from '../core/errors.js';
import type { z } from 'zod';

/** Thrown when a record fails its schema; `issues` lists each problem as `path: message`. */
export class ProtocolError extends TachikomaError<'invalid_record'> {
  static override readonly kind = 'ProtocolError';
  constructor(
    message: string,
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super('invalid_record', message, options);
  }
}

/** Formats zod issues as `path: message` lines. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(record)'}: ${issue.message}`);
}

/** Parses `value` with `schema`, throwing a ProtocolError naming `what` and every problem. */
export function parseRecord<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = describeIssues(result.error);
  throw new ProtocolError(`invalid ${what}: ${issues.join('; ')}`, issues, { cause: result.error });
}

/** Parses JSON text, then the schema: never a bare JSON.parse into a typed value. */
export function parseJsonRecord<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  let value: unknown;
  try {
    // A byte order mark is not JSON but many Windows editors write one; it carries no meaning, so it is dropped.
    value = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    throw new ProtocolError(`invalid ${what}: not JSON (${(error as Error).message})`, ['(record): not JSON'], { cause: error });
  }
  return parseRecord(schema, value, what);
}
