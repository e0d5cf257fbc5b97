/** dist/bundle/instance.cjs: what the orchestrator starts for each instance — the instance bundle, through the code cache. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from './code-cache.js';

runWithCodeCache(join(dirname(fileURLToPath(import.meta.url)), 'instance-code.cjs'));
