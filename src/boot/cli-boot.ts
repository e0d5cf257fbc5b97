/**
 * dist/bundle/cli.cjs: what bin/tachikoma.js loads — the command-line bundle, through the code cache. Each
 * command keeps its own cache (`run` compiles other functions than `status`), made by its first use; anything
 * else (`--help`, a mistyped command) shares one.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMAND_NAMES } from '../cli/command-names.js';
import { cacheFileFor, runWithCodeCache } from './code-cache.js';

const bundle = join(dirname(fileURLToPath(import.meta.url)), 'cli-code.cjs');
const command = process.argv[2] ?? '';
const tag = (COMMAND_NAMES as readonly string[]).includes(command) ? command : 'other';
runWithCodeCache(bundle, { cacheFile: cacheFileFor(bundle, tag) });
