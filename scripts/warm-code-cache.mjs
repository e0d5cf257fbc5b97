/**
 * Makes the V8 code caches of the bundles (see src/boot/code-cache.ts) at build time, so that even the first
 * `tachikoma run` after a build starts warm: runs a two-second collective of two scripted instances with the
 * dashboard on, in a temporary folder, which leaves dist/bundle/instance-code.cjs.v8cache and
 * dist/bundle/cli-code.cjs.run.v8cache behind. Every other command makes its cache on first use.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = mkdtempSync(join(tmpdir(), 'tachikoma-warm-'));
try {
  const workspace = join(folder, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'tachikoma.config.json'), JSON.stringify({ brain: 'scripted', brainOptions: { script: 'script.json' } }));
  writeFileSync(join(workspace, 'script.json'), JSON.stringify({ version: 1 }));
  const result = spawnSync(
    process.execPath,
    [join(root, 'bin', 'tachikoma.js'), 'run', '--workspace', workspace, '--run-dir', join(folder, 'run'), '--instances', '2', '--timeout', '2', '--dashboard-port', '0', '--json'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const made = ['instance-code.cjs.v8cache', 'cli-code.cjs.run.v8cache'].filter((name) => existsSync(join(root, 'dist', 'bundle', name)));
  if (result.status !== 0 || made.length !== 2) {
    // Not fatal: the first real run makes the caches instead.
    console.warn(`warm-code-cache: the warm-up run ended with ${String(result.status ?? result.signal)}; caches made: ${made.join(', ') || 'none'}\n${result.stderr.slice(-2000)}`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
