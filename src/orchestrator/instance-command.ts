import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';

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
