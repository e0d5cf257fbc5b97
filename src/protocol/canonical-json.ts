/**
 * JSON text of a value with object keys sorted at every depth: two values that are equal as JSON give the same
 * text whatever order their keys were written in (a record read back from a store, a model's tool input).
 * `undefined` properties are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return entry;
    const record = entry as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]]));
  }) ?? 'undefined';
}
