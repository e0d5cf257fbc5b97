/**
 * dist/bundle/cli.cjs: what bin/tachikoma.js loads — the command-line bundle, through the code cache. Each
 * command keeps its own cache (`run` compiles other functions than `status`), made by its first use.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from './code-cache.js';

const bundle = join(dirname(fileURLToPath(import.meta.url)), 'cli-code.cjs');
const command = process.argv[2] ?? '';
runWithCodeCache(bundle, { cacheFile: `${bundle}.${/^[a-z]{1,20}$/.test(command) ? command : 'other'}.v8cache` });
