import { TachikomaError } from '../core/errors.js';

/** An error the CLI prints as one clear line (no stack) before exiting non-zero. */
export class CliError extends TachikomaError<'cli'> {
  static override readonly kind = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super('cli', message);
  }
}
