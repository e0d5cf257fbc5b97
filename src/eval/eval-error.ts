import { TachikomaError } from '../core/errors.js';

/** Why an evaluation could not run. */
export type EvalErrorCode = 'invalid_set' | 'invalid_input' | 'fetch_failed' | 'patch_failed';

/** The one error class of `tachikoma eval`: a bad problem set or flag, a package that cannot be fetched, a patch that does not apply. */
export class EvalError extends TachikomaError<EvalErrorCode> {
  static override readonly kind = 'EvalError';
}
