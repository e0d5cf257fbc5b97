/** Why an audit call refused or failed. */
export type AuditErrorCode = 'outside_workspace' | 'not_found' | 'not_a_file';

/** The one error class of the audit library; `code` says what kind of failure, the message what to do next. */
export class AuditError extends Error {
  readonly marker = 'tachikoma.audit-error';
  constructor(
    readonly code: AuditErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuditError';
  }

  static isInstance(error: unknown): error is AuditError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'tachikoma.audit-error';
  }

  static hasCode(error: unknown, code: AuditErrorCode): error is AuditError {
    return AuditError.isInstance(error) && error.code === code;
  }
}
