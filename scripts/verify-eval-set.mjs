// Checks a problem set (default: the builtin one) against the packages it pins:
//   node scripts/verify-eval-set.mjs [set-folder]      (run `npm run build` first: it uses dist/)
// For each problem: the pinned version is fetched with npm pack (cached), its seed patch applies, every answer-key
// entry sits on a line the patch changed (±2 lines) and every change is covered by a key entry, and a hidden test
// fails on the seeded package and passes on the original. Exits non-zero when any check fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePatch } from 'diff';
import { evalCacheFolder } from '../dist/src/eval/fetch-package.js';
import { prepareProblem } from '../dist/src/eval/prepare-problem.js';
import { loadProblemSet } from '../dist/src/eval/problem-set.js';
import { LINE_TOLERANCE } from '../dist/src/eval/score-findings.js';

/** Lines of the seeded file the patch touched: added lines, and the line where a deletion happened. */
function changedLines(patchText) {
  const changed = [];
  for (const patch of parsePatch(patchText)) {
    const path = (patch.newFileName ?? '').replace(/^b\//, '');
    for (const hunk of patch.hunks) {
      let line = hunk.newStart;
      for (const text of hunk.lines) {
        if (text.startsWith('+')) changed.push({ path, line: line++ });
        else if (text.startsWith('-')) changed.push({ path, line });
        else if (text.startsWith(' ')) line++;
      }
    }
  }
  return [...new Map(changed.map((change) => [`${change.path}:${change.line}`, change])).values()];
}

function near(change, location) {
  return change.path === location.path && change.line >= location.startLine - LINE_TOLERANCE && change.line <= location.endLine + LINE_TOLERANCE;
}

function hiddenTestPasses(test, folder) {
  try {
    execFileSync(process.execPath, [test, folder], { stdio: 'pipe', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

async function verify(problem, scratch) {
  const failures = [];
  const { original, seeded } = await prepareProblem(problem, evalCacheFolder(), join(scratch, problem.manifest.name));
  const changes = changedLines(problem.seedPatch);
  for (const entry of problem.key) {
    if (!changes.some((change) => near(change, entry.location))) failures.push(`key entry ${entry.location.path}:${entry.location.startLine} is not at a seeded change`);
  }
  for (const change of changes) {
    if (!problem.key.some((entry) => near(change, entry.location))) failures.push(`the change at ${change.path}:${change.line} has no key entry`);
  }
  if (problem.hiddenTest !== null) {
    if (hiddenTestPasses(problem.hiddenTest, seeded)) failures.push('the hidden test passes on the seeded package');
    if (!hiddenTestPasses(problem.hiddenTest, original)) failures.push('the hidden test fails on the original package');
  }
  return failures;
}

const setFolder = process.argv[2] ?? 'builtin';
const scratch = mkdtempSync(join(tmpdir(), 'tachikoma-verify-set-'));
let failed = 0;
try {
  const problems = loadProblemSet(setFolder);
  const packages = new Set(problems.map((problem) => problem.manifest.package));
  console.log(`${problems.length} problems from ${packages.size} packages, ${problems.filter((problem) => problem.manifest.kind === 'fix').length} fix problems`);
  for (const problem of problems) {
    const failures = await verify(problem, scratch);
    const { name, package: packageName, version, kind } = problem.manifest;
    console.log(`${failures.length === 0 ? 'ok  ' : 'FAIL'} ${name} (${packageName}@${version}, ${kind}, ${problem.key.length} seeded)${failures.map((failure) => `\n     ${failure}`).join('')}`);
    if (failures.length > 0) failed += 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = failed === 0 ? 0 : 1;
