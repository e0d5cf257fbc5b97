/**
 * Entry of an instance process started by the orchestrator: `node bin/tachikoma-instance.js --launch '<json>'`
 * (the launcher enables Node's compile cache, then loads the bundle `npm run build` makes of this file). It takes
 * one launch record (src/instance/instance-launch.ts); `tachikoma instance` is the same job with flags, by hand.
 */
import { parseLaunchArguments } from '../instance/instance-launch.js';
import { exitWhenDone } from './exit-when-done.js';
import { reportKnownFailure } from './report-failure.js';
import { runTracedInstance } from './traced-instance.js';

async function instanceEntry(argv: readonly string[]): Promise<number> {
  try {
    return await runTracedInstance(parseLaunchArguments(argv));
  } catch (error) {
    const code = reportKnownFailure(error);
    if (code !== undefined) return code;
    throw error;
  }
}

exitWhenDone(instanceEntry(process.argv.slice(2)));
