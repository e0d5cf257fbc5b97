/** Why an evaluation could not run. */
export type EvalErrorCode = 'invalid_set' | 'invalid_input' | 'fetch_failed' | 'patch_failed';

/** The one error class of `tachikoma eval`: a bad problem set or flag, a package that cannot be fetched, a patch that does not apply. */
export class EvalError extends Error {
  readonly marker = 'tachikoma.eval-error';
  constructor(
    readonly code: EvalErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EvalError';
  }

  static isInstance(error: unknown): error is EvalError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'tachikoma.eval-error';
  }
}
