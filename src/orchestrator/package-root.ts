import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder of Tachikoma's package.json, found by walking up from this module (works from src/ and dist/). */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate) && readFileSync(candidate, 'utf8').includes('"name": "tachikoma"')) {
      cached = folder;
      return folder;
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error('cannot find the tachikoma package root');
    folder = parent;
  }
}

/** The CLI entry script instance processes are started with. */
export function cliEntryPath(): string {
  return join(packageRoot(), 'bin', 'tachikoma.js');
}

/** The bundled instance entry (`npm run build` writes it): one file, no CLI, the cheapest process to start. */
export function instanceBundlePath(): string {
  return join(packageRoot(), 'dist', 'bundle', 'instance.cjs');
}

/**
 * Command-line arguments (after `node`) that start an instance process, to which the `tachikoma instance`
 * flags are appended: the bundled entry when it was built, else the CLI's `instance` command.
 */
export function instanceEntryArgs(): string[] {
  const bundle = instanceBundlePath();
  return existsSync(bundle) ? [bundle] : [cliEntryPath(), 'instance'];
}
