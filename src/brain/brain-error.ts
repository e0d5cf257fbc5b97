import { TachikomaError } from '../core/errors.js';

/** Thrown when a brain cannot be built (unknown kind, missing key or model, not in this build). */
export class BrainError extends TachikomaError<'unknown_brain' | 'unavailable' | 'misconfigured'> {
  static override readonly kind = 'BrainError';
}
