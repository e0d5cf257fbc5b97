import { z } from 'zod';
import { StoreError } from '../store-error.js';
import type { StoredDocument } from '../collective-store.js';
import { validateInput } from './records.js';

/** Longest a document's JSON text may be: a working document, not a file store. */
export const MAX_DOCUMENT_CHARS = 1_000_000;

const nameSchema = z.string().trim().min(1).max(200);

/** The row both backends keep per document. */
export interface DocumentRow {
  namespace: string;
  key: string;
  value: string;
  updated_at: string;
  revision: number | string;
}

/** Checks a document's namespace and key; bad ones reject with `invalid_input`. */
export function checkDocumentPlace(namespace: string, key: string): { namespace: string; key: string } {
  return { namespace: validateInput(nameSchema, namespace, 'document namespace'), key: validateInput(nameSchema, key, 'document key') };
}

/** The JSON text of a document value; `undefined`, functions, cycles and oversized values reject with `invalid_input`. */
export function encodeDocument(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StoreError('invalid_input', `document value is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (text === undefined) throw new StoreError('invalid_input', 'document value is not JSON (undefined or a function)');
  if (text.length > MAX_DOCUMENT_CHARS) throw new StoreError('invalid_input', `document value is ${text.length} characters of JSON; at most ${MAX_DOCUMENT_CHARS}`);
  return text;
}

/** A stored row as a document; a row whose value is not JSON is reported by the caller and skipped (undefined). */
export function toDocument(row: DocumentRow, report: (issues: string[]) => void): StoredDocument | undefined {
  try {
    return { namespace: row.namespace, key: row.key, value: JSON.parse(row.value) as unknown, updatedAt: row.updated_at, revision: Number(row.revision) };
  } catch (error) {
    report([`not JSON: ${(error as Error).message}`]);
    return undefined;
  }
}
