/** A place in a workspace file: a path relative to the workspace and an inclusive line range (1-based). */
export interface CodeLocation {
  path: string;
  startLine: number;
  endLine: number;
}

/**
 * `path:line` or `path:start-end`, optionally with `L` before the numbers (`a.js:L52-L55`) and a column after
 * (`a.js:52:7`, ignored). The path has at least one character other than spaces and colons.
 */
const LOCATION_PATTERN = /([^\s:'"`()[\]<>,]+):L?(\d+)(?:\s*[-–]\s*L?(\d+))?(?::\d+)?/g;

/** Makes a path comparable: forward slashes, no `./`, no `package/` prefix of an unpacked npm tarball. */
export function normalizePath(path: string, workspace?: string): string {
  let normalized = path.replaceAll('\\', '/');
  if (workspace !== undefined) {
    const root = `${workspace.replaceAll('\\', '/').replace(/\/+$/, '')}/`;
    if (normalized.startsWith(root)) normalized = normalized.slice(root.length);
  }
  while (normalized.startsWith('./')) normalized = normalized.slice(2);
  return normalized.replace(/^\/+/, '');
}

/** Every location named in a text, in order of appearance (none when it names no `path:line`). */
export function parseLocations(text: string, workspace?: string): CodeLocation[] {
  const locations: CodeLocation[] = [];
  for (const match of text.matchAll(LOCATION_PATTERN)) {
    const [, rawPath = '', start = '', end] = match;
    const path = normalizePath(rawPath, workspace);
    const startLine = Number(start);
    const endLine = end === undefined ? startLine : Number(end);
    if (path.length === 0 || /^\d+$/.test(path) || startLine < 1) continue;
    locations.push({ path, startLine: Math.min(startLine, endLine), endLine: Math.max(startLine, endLine) });
  }
  return locations;
}

/** Exactly one location, for answer keys: a clear error names what is wrong. */
export function parseOneLocation(text: string): CodeLocation | string {
  const found = parseLocations(text);
  if (found.length !== 1 || found[0] === undefined) return `expected one path:line or path:start-end, got ${JSON.stringify(text)}`;
  return found[0];
}

/** Whether two locations are in the same file and their line ranges, each widened by `tolerance`, overlap. */
export function locationsMatch(a: CodeLocation, b: CodeLocation, tolerance: number): boolean {
  return a.path === b.path && a.startLine - tolerance <= b.endLine && b.startLine - tolerance <= a.endLine;
}

/** `path:line` or `path:start-end`. */
export function formatLocation(location: CodeLocation): string {
  return location.startLine === location.endLine ? `${location.path}:${location.startLine}` : `${location.path}:${location.startLine}-${location.endLine}`;
}
