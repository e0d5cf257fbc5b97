/**
 * Entry script of an instance process started by the orchestrator (`node dist/bundle/instance.mjs …`, the
 * bundled build of this file; `node dist/src/cli/instance-entry.js …` unbundled). Same flags as
 * `tachikoma instance`.
 */
import { instanceMain } from './instance-main.js';

const code = await instanceMain(process.argv.slice(2));
process.exitCode = code;
// Everything is flushed by now; a handle some library left open must not keep the process alive.
setTimeout(() => process.exit(code), 2000).unref();
