/** An error the CLI prints as one clear line (no stack) before exiting non-zero. */
export class CliError extends Error {
  readonly marker = 'tachikoma.cli-error';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }

  static isInstance(error: unknown): error is CliError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'tachikoma.cli-error';
  }
}
