/** Why a collective-memory call failed. */
export type MemoryErrorCode = 'invalid_input';

/** The one error class of collective memory (retrieval, dedupe, packing); store failures pass through as `StoreError`. */
export class MemoryError extends Error {
  readonly marker = 'tachikoma.memory-error';
  constructor(
    readonly code: MemoryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MemoryError';
  }

  static isInstance(error: unknown): error is MemoryError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'tachikoma.memory-error';
  }
}
