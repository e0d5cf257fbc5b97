import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../core/package-root.js';
import { parseJsonRecord } from '../protocol/index.js';
import type { CodeLocation } from './code-location.js';
import { parseOneLocation } from './code-location.js';
import { EvalError } from './eval-error.js';
import type { KeyEntry } from './score-findings.js';

/** `manifest.json` of a problem: which package, pinned how, what kind of work. */
export const problemManifestSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a lower-case name of letters, digits, ".", "_" or "-"'),
  package: z.string().min(1).max(214),
  version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'an exact version, e.g. 2.1.3'),
  /** `find`: report the seeded defects; `fix`: also repair them (the hidden test judges). */
  kind: z.enum(['find', 'fix']),
  /** What the package does and what is wrong, as the collective is told it. */
  summary: z.string().min(1).max(2000),
  /** Relative path of a Node script run as `node <script> <workspace>` after the run; exit code 0 = fixed. */
  hiddenTest: z.string().min(1).max(500).optional(),
});
export type ProblemManifest = z.infer<typeof problemManifestSchema>;

const keyFileSchema = z.strictObject({
  defects: z.array(z.strictObject({ location: z.string().min(3).max(1000), description: z.string().min(1).max(2000) })).min(1).max(200),
});

/** A problem ready to run: its manifest, folder, seed patch and answer key. */
export interface Problem {
  manifest: ProblemManifest;
  folder: string;
  seedPatch: string;
  key: KeyEntry[];
  /** Absolute path of the hidden test, when there is one. */
  hiddenTest: string | null;
}

/** The folder of the set shipped with the package. */
export function builtinSetFolder(): string {
  return join(packageRoot(), 'eval', 'sets', 'builtin');
}

function readKey(folder: string): KeyEntry[] {
  const path = join(folder, 'key.json');
  const parsed = parseJsonRecord(keyFileSchema, readFileSync(path, 'utf8'), `answer key ${path}`);
  return parsed.defects.map((defect, index) => {
    const location: CodeLocation | string = parseOneLocation(defect.location);
    if (typeof location === 'string') throw new EvalError('invalid_set', `${path} defects[${index}].location: ${location}`);
    return { location, description: defect.description };
  });
}

/** Reads one problem folder (manifest.json, seed.patch, key.json, optional hidden test); any fault is one clear error. */
export function loadProblem(folder: string): Problem {
  for (const file of ['manifest.json', 'seed.patch', 'key.json']) {
    if (!existsSync(join(folder, file))) throw new EvalError('invalid_set', `problem ${folder} has no ${file}`);
  }
  const manifestPath = join(folder, 'manifest.json');
  const manifest = parseJsonRecord(problemManifestSchema, readFileSync(manifestPath, 'utf8'), `problem manifest ${manifestPath}`);
  if (manifest.kind === 'fix' && manifest.hiddenTest === undefined) throw new EvalError('invalid_set', `${manifestPath}: a fix problem needs "hiddenTest"`);
  const hiddenTest = manifest.hiddenTest === undefined ? null : resolve(folder, manifest.hiddenTest);
  if (hiddenTest !== null && !existsSync(hiddenTest)) throw new EvalError('invalid_set', `${manifestPath}: hidden test ${hiddenTest} does not exist`);
  return { manifest, folder, seedPatch: readFileSync(join(folder, 'seed.patch'), 'utf8'), key: readKey(folder), hiddenTest };
}

/**
 * The problems of a set: `builtin`, a folder of problem folders, or one problem folder. `only` picks problems
 * by name (an unknown name is an error listing the known ones).
 */
export function loadProblemSet(set: string, only?: readonly string[]): Problem[] {
  const folder = set === 'builtin' ? builtinSetFolder() : resolve(set);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new EvalError('invalid_set', `problem set ${folder} is not a folder`);
  const folders = existsSync(join(folder, 'manifest.json'))
    ? [folder]
    : readdirSync(folder, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, 'manifest.json')))
        .map((entry) => join(folder, entry.name))
        .sort();
  if (folders.length === 0) throw new EvalError('invalid_set', `problem set ${folder} holds no problem (a folder with manifest.json)`);
  const problems = folders.map(loadProblem);
  if (only === undefined || only.length === 0) return problems;
  const names = problems.map((problem) => problem.manifest.name);
  const unknown = only.filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new EvalError('invalid_input', `unknown problem ${unknown.join(', ')}; the set has ${names.join(', ')}`);
  return problems.filter((problem) => only.includes(problem.manifest.name));
}
