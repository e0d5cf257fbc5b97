import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { applyPatch, parsePatch } from 'diff';
import { resolveInWorkspace } from '../workspace/workspace-path.js';
import { EvalError } from './eval-error.js';

/** `a/lib/x.js` → `lib/x.js`; `/dev/null` → null (a created or deleted file). */
function patchPath(name: string | undefined): string | null {
  if (name === undefined || name === '/dev/null') return null;
  return name.replace(/^[ab]\//, '');
}

function targetPath(folder: string, relative: string, what: string): string {
  try {
    return resolveInWorkspace(folder, relative, { mustExist: false });
  } catch (error) {
    throw new EvalError('patch_failed', `${what}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Applies a unified patch (git or `diff -u` style, paths with or without a/ b/) to the files of `folder`.
 * A hunk that does not apply is an error naming the file; files outside the folder are refused.
 */
export function applySeedPatch(folder: string, patchText: string, what: string): string[] {
  const patches = parsePatch(patchText);
  if (patches.length === 0 || patches.every((patch) => patch.hunks.length === 0)) throw new EvalError('patch_failed', `${what}: the patch holds no hunk`);
  const changed: string[] = [];
  for (const patch of patches) {
    const before = patchPath(patch.oldFileName);
    const after = patchPath(patch.newFileName);
    const relative = after ?? before;
    if (relative === null) continue;
    const target = targetPath(folder, relative, what);
    const source = before === null ? '' : existsSync(target) ? readFileSync(target, 'utf8') : null;
    if (source === null) throw new EvalError('patch_failed', `${what}: ${relative} does not exist in the package`);
    const result = applyPatch(source, patch);
    if (result === false) throw new EvalError('patch_failed', `${what}: the patch does not apply to ${relative}; is the version right?`);
    if (after === null) rmSync(target);
    else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, result);
    }
    changed.push(relative);
  }
  return changed;
}
