/** Thrown when a brain cannot be built (unknown kind, missing key or model, not in this build). */
export class BrainError extends Error {
  readonly marker = 'tachikoma.brain-error';
  constructor(
    readonly code: 'unknown_brain' | 'unavailable' | 'misconfigured',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BrainError';
  }

  static isInstance(error: unknown): error is BrainError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'tachikoma.brain-error';
  }
}
