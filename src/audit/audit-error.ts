import { TachikomaError } from '../core/errors.js';

/** Why an audit call refused or failed. */
export type AuditErrorCode = 'outside_workspace' | 'not_found' | 'not_a_file';

/** The one error class of the audit library; `code` says what kind of failure, the message what to do next. */
export class AuditError extends TachikomaError<AuditErrorCode> {
  static override readonly kind = 'AuditError';
}
