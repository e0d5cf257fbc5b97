#!/usr/bin/env node
// One instance process, as the orchestrator starts it (`--launch '<json>'`): Node's compile cache on where the
// running Node has it (>= 22.1), then the instance bundle `npm run build` makes (dist/bundle/instance.cjs), or
// the compiled module when there is no bundle.
import module from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

module.enableCompileCache?.();
const bundle = fileURLToPath(new URL('../dist/bundle/instance.cjs', import.meta.url));
if (existsSync(bundle)) module.createRequire(import.meta.url)(bundle);
else await import('../dist/src/cli/instance-entry.js');
