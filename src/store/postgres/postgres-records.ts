/** Parses JSON text into `unknown` (for a schema to check next); undefined when it is not JSON. */
export function parseJsonText(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
