#!/usr/bin/env node
// The built command line is one bundle run through a V8 code cache (dist/bundle/cli.cjs, made by
// `npm run build`); without it, the compiled modules in dist/src.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url));
if (existsSync(bundle)) {
  createRequire(import.meta.url)(bundle);
} else {
  const [{ main }, { exitWhenDone }] = await Promise.all([import('../dist/src/cli/main.js'), import('../dist/src/cli/exit-when-done.js')]);
  exitWhenDone(main(process.argv.slice(2)));
}
