#!/usr/bin/env node
// The command line: Node's compile cache on (Node >= 22.1 keeps compiled code between runs; older Node runs
// without it), then the one-file bundle `npm run build` makes (dist/bundle/cli.cjs), or the compiled modules.
import module from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

module.enableCompileCache?.();
const bundle = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url));
if (existsSync(bundle)) {
  module.createRequire(import.meta.url)(bundle);
} else {
  const [{ main }, { exitWhenDone }] = await Promise.all([import('../dist/src/cli/main.js'), import('../dist/src/cli/exit-when-done.js')]);
  exitWhenDone(main(process.argv.slice(2)));
}
