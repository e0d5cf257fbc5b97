/**
 * Entry of the `tachikoma` command: `npm run build` bundles it into dist/bundle/cli-code.cjs, which
 * bin/tachikoma.js runs through the code cache (dist/bundle/cli.cjs, src/boot).
 */
import { exitWhenDone } from './exit-when-done.js';
import { main } from './main.js';

exitWhenDone(main(process.argv.slice(2)));
