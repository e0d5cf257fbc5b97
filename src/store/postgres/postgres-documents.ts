import type { StoredDocument } from '../collective-store.js';
import { type DocumentRow, checkDocumentPlace, encodeDocument, toDocument } from '../shared/document-rules.js';
import { type PostgresContext, nowIso, reader } from './postgres-context.js';
import { writeTransaction } from './postgres-transaction.js';

const COLUMNS = 'namespace, key, value, updated_at, revision';

function decode(context: PostgresContext, row: DocumentRow): StoredDocument | undefined {
  return toDocument(row, (issues) => context.reportBadRecord({ table: 'documents', key: `${row.namespace}/${row.key}`, issues }));
}

/** Writes a document whole (insert or replace), bumping its revision; durable on return. Not part of the history. */
export async function putDocument(context: PostgresContext, namespace: string, key: string, value: unknown): Promise<StoredDocument> {
  const place = checkDocumentPlace(namespace, key);
  const text = encodeDocument(value);
  const [row] = await writeTransaction(context, (tx) =>
    tx.query<DocumentRow>(
      `INSERT INTO documents (namespace, key, value, updated_at, revision) VALUES ($1, $2, $3, $4, 1)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, revision = documents.revision + 1
       RETURNING ${COLUMNS}`,
      [place.namespace, place.key, text, nowIso(context)],
    ),
  );
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return { namespace: row.namespace, key: row.key, value: JSON.parse(text) as unknown, updatedAt: row.updated_at, revision: Number(row.revision) };
}

/** One document, or null when none was written under that namespace and key. */
export async function getDocument(context: PostgresContext, namespace: string, key: string): Promise<StoredDocument | null> {
  const place = checkDocumentPlace(namespace, key);
  const [row] = await reader(context).query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE namespace = $1 AND key = $2`, [place.namespace, place.key]);
  return row === undefined ? null : (decode(context, row) ?? null);
}

/** Every document of a namespace, by key. */
export async function listDocuments(context: PostgresContext, namespace: string): Promise<StoredDocument[]> {
  const place = checkDocumentPlace(namespace, 'list');
  const rows = await reader(context).query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE namespace = $1 ORDER BY key COLLATE "C"`, [place.namespace]);
  return rows.flatMap((row) => decode(context, row) ?? []);
}
