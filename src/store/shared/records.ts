import type { z } from 'zod';
import { ProtocolError, describeIssues, parseRecord } from '../../protocol/index.js';
import type { BadRecordReport } from '../collective-store.js';
import { StoreError } from '../store-error.js';

/** Parses caller input with its schema; a failure becomes `StoreError('invalid_input')` naming every problem. */
export function validateInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  try {
    return parseRecord(schema, value, what);
  } catch (error) {
    if (ProtocolError.isInstance(error)) throw new StoreError('invalid_input', error.message, { cause: error });
    throw error;
  }
}

/**
 * Parses a stored record (JSON text or an already-built object). A malformed or foreign row is reported with
 * its table and key and skipped (undefined), so one bad row never stops a reader.
 */
export function decodeRecord<S extends z.ZodType>(
  report: (report: BadRecordReport) => void,
  schema: S,
  table: string,
  key: string,
  value: unknown,
): z.output<S> | undefined {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      report({ table, key, issues: [`not JSON: ${(error as Error).message}`] });
      return undefined;
    }
  }
  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  report({ table, key, issues: describeIssues(result.error) });
  return undefined;
}

/** The default bad-row reporter: one line on stderr per distinct row. */
export function stderrReporter(): (report: BadRecordReport) => void {
  const seen = new Set<string>();
  return (report) => {
    const key = `${report.table}:${report.key}`;
    if (seen.has(key)) return;
    seen.add(key);
    process.stderr.write(`tachikoma: skipped a malformed row in ${report.table} (${report.key}): ${report.issues.join('; ')}\n`);
  };
}
