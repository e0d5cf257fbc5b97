import { TachikomaError } from '../core/errors.js';

/** Why a store call failed. */
export type StoreErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'not_owner'
  | 'lease_expired'
  | 'already_voted'
  | 'closed'
  | 'unavailable'
  | 'corrupt';

/** The one error class of the store layer; `code` says what kind of failure, the message what to do next. */
export class StoreError extends TachikomaError<StoreErrorCode> {
  static override readonly kind = 'StoreError';
}
