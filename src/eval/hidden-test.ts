import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { freshCopy } from './prepare-problem.js';

/** How a hidden test went: passed is exit code 0 within the time limit. */
export interface HiddenTestResult {
  passed: boolean;
  /** The last lines of its output, for the report. */
  output: string;
}

const HIDDEN_TEST_TIMEOUT_MS = 60_000;

function tail(text: string): string {
  return text.trim().split('\n').slice(-6).join('\n').slice(0, 2000);
}

/**
 * Runs `node <test> <copy>` on a copy of `workspace` (so the test cannot disturb what is scored, and the
 * collective never had it in reach: it lives in the problem folder, outside every workspace).
 */
export function runHiddenTest(test: string, workspace: string, scratch: string): Promise<HiddenTestResult> {
  const copy = freshCopy(workspace, scratch);
  return new Promise((resolve) => {
    execFile(process.execPath, [test, copy], { timeout: HIDDEN_TEST_TIMEOUT_MS, cwd: copy }, (error, stdout, stderr) => {
      rmSync(copy, { recursive: true, force: true });
      resolve({ passed: error === null, output: tail(`${stdout}\n${stderr}`) });
    });
  });
}
