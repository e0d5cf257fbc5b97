import picomatch from 'picomatch';

/**
 * A task's scope as paths: each entry is a workspace file, a folder (with or without a trailing slash) or a glob
 * ("src/**\/*.ts"); an entry that names an area rather than a path ("parsing") matches a file or folder of that
 * name only. Paths are workspace-relative with forward slashes.
 */

const GLOB_CHARS = /[*?[\]{}!()]/;

function normalise(entry: string): string {
  return entry.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
}

/** The folder a scope entry starts from: the entry itself, or the static part of a glob before its first pattern. */
function baseOf(entry: string): string {
  const clean = normalise(entry);
  return GLOB_CHARS.test(clean) ? normalise(picomatch.scan(clean).base) : clean;
}

/** Whether `a` is `b` or a folder that holds it (or the other way round); the workspace root holds everything. */
function nested(a: string, b: string): boolean {
  if (a === '' || a === '.' || b === '' || b === '.') return true;
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** Whether workspace file `path` falls inside one of the `scope` entries. */
export function inScope(path: string, scope: readonly string[]): boolean {
  const file = normalise(path);
  return scope.some((entry) => {
    const clean = normalise(entry);
    if (GLOB_CHARS.test(clean)) return picomatch(clean, { dot: true })(file);
    return clean === '' || clean === '.' || file === clean || file.startsWith(`${clean}/`);
  });
}

/**
 * The entries of `scope` that may cover the same files as an entry of `other`. Globs are compared by the folder
 * they start from, so two globs over one folder count as overlapping even when their patterns would not: the
 * check errs towards saying so, and a review task is the way to overlap on purpose.
 */
export function overlappingEntries(scope: readonly string[], other: readonly string[]): string[] {
  return scope.filter((entry) => other.some((theirs) => nested(baseOf(entry), baseOf(theirs))));
}
