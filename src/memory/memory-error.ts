import { TachikomaError } from '../core/errors.js';

/** Why a collective-memory call failed. */
export type MemoryErrorCode = 'invalid_input';

/** The one error class of collective memory (retrieval, dedupe, packing); store failures pass through as `StoreError`. */
export class MemoryError extends TachikomaError<MemoryErrorCode> {
  static override readonly kind = 'MemoryError';
}
