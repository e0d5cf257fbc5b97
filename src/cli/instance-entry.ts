/**
 * Entry script of an instance process started by the orchestrator: `npm run build` bundles it into
 * dist/bundle/instance-code.cjs, which `node dist/bundle/instance.cjs …` runs through the code cache
 * (src/boot); unbundled it is `node dist/src/cli/instance-entry.js …`. Same flags as `tachikoma instance`.
 */
import { instanceMain } from './instance-main.js';
import { exitWhenDone } from './exit-when-done.js';

exitWhenDone(instanceMain(process.argv.slice(2)));
