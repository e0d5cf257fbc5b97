import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applySeedPatch } from './apply-seed.js';
import { fetchTarball, unpackTarball } from './fetch-package.js';
import type { Problem } from './problem-set.js';

/** A problem's two starting points: the pinned package as published, and the same with its defects seeded. */
export interface PreparedProblem {
  original: string;
  seeded: string;
}

/**
 * Fetches the pinned package (cached), unpacks it twice under `workFolder` and applies the seed patch to the
 * second copy. Each condition then works in its own copy of `seeded`.
 */
export async function prepareProblem(problem: Problem, cache: string, workFolder: string): Promise<PreparedProblem> {
  const { name, package: packageName, version } = problem.manifest;
  const tarball = await fetchTarball(packageName, version, cache);
  const original = await unpackTarball(tarball, join(workFolder, 'original'));
  const seeded = freshCopy(original, join(workFolder, 'seeded'));
  applySeedPatch(seeded, problem.seedPatch, `problem ${name}: seed.patch`);
  return { original, seeded };
}

/** A fresh copy of a folder at `destination` (replacing anything there). */
export function freshCopy(source: string, destination: string): string {
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  cpSync(source, destination, { recursive: true });
  return destination;
}
