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
export class StoreError extends Error {
  readonly marker = 'tachikoma.store-error';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }

  static isInstance(error: unknown): error is StoreError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'tachikoma.store-error';
  }

  static hasCode(error: unknown, code: StoreErrorCode): error is StoreError {
    return StoreError.isInstance(error) && error.code === code;
  }
}
