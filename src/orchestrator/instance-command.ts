import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';

/** The CLI entry script (`tachikoma`). */
export function cliEntryPath(): string {
  return join(packageRoot(), 'bin', 'tachikoma.js');
}

/** The launcher of an instance process: enables Node's compile cache, then runs the bundled instance entry. */
export function instanceLauncherPath(): string {
  return join(packageRoot(), 'bin', 'tachikoma-instance.js');
}

/** The bundled instance entry (`npm run build` writes it): one file, no CLI, the cheapest process to start. */
export function instanceBundlePath(): string {
  return join(packageRoot(), 'dist', 'bundle', 'instance.cjs');
}

/** Command-line arguments (after `node`) that start an instance process; its launch record is appended. */
export function instanceEntryArgs(): string[] {
  return [instanceLauncherPath()];
}
