import type { StoredDocument } from '../collective-store.js';
import { type DocumentRow, checkDocumentPlace, encodeDocument, toDocument } from '../shared/document-rules.js';
import { type SqliteContext, nowIso, retryWhileBusy, sql } from './sqlite-context.js';

function decode(context: SqliteContext, row: DocumentRow): StoredDocument | undefined {
  return toDocument(row, (issues) => context.reportBadRecord({ table: 'documents', key: `${row.namespace}/${row.key}`, issues }));
}

/** Writes a document whole (insert or replace), bumping its revision; durable on return. Not part of the history. */
export function putDocument(context: SqliteContext, namespace: string, key: string, value: unknown): StoredDocument {
  const place = checkDocumentPlace(namespace, key);
  const text = encodeDocument(value);
  const row = retryWhileBusy(context.busyTimeoutMs, () =>
    sql(
      context,
      `INSERT INTO documents (namespace, key, value, updated_at, revision) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, revision = documents.revision + 1
       RETURNING namespace, key, value, updated_at, revision`,
    ).get(place.namespace, place.key, text, nowIso(context)),
  ) as DocumentRow;
  return { namespace: row.namespace, key: row.key, value: JSON.parse(text) as unknown, updatedAt: row.updated_at, revision: Number(row.revision) };
}

/** One document, or null when none was written under that namespace and key. */
export function getDocument(context: SqliteContext, namespace: string, key: string): StoredDocument | null {
  const place = checkDocumentPlace(namespace, key);
  const row = sql(context, 'SELECT namespace, key, value, updated_at, revision FROM documents WHERE namespace = ? AND key = ?').get(place.namespace, place.key) as DocumentRow | undefined;
  return row === undefined ? null : (decode(context, row) ?? null);
}

/** Every document of a namespace, by key. */
export function listDocuments(context: SqliteContext, namespace: string): StoredDocument[] {
  const place = checkDocumentPlace(namespace, 'list');
  const rows = sql(context, 'SELECT namespace, key, value, updated_at, revision FROM documents WHERE namespace = ? ORDER BY key').all(place.namespace) as DocumentRow[];
  return rows.flatMap((row) => decode(context, row) ?? []);
}
