import { ProtocolError } from '../protocol/index.js';
import { StoreError } from '../store/index.js';
import { CliError } from './cli-error.js';

/**
 * A known failure (bad flags or input, a store or protocol refusal) as one line on stderr; returns the exit
 * code, or undefined for anything else (a bug, which keeps its stack).
 */
export function reportKnownFailure(error: unknown): number | undefined {
  if (CliError.isInstance(error)) {
    process.stderr.write(`tachikoma: ${error.message}\n`);
    return error.exitCode;
  }
  if (StoreError.isInstance(error) || ProtocolError.isInstance(error)) {
    process.stderr.write(`tachikoma: ${error.message}\n`);
    return 1;
  }
  return undefined;
}
