/**
 * The one base class of Tachikoma's own errors. Each part has one subclass (StoreError, ProtocolError, ...) that
 * names itself in `kind`, with a `code` that says what kind of failure it is and a message that says what to do
 * next. `isInstance` checks a marker rather than `instanceof`, so an error still counts when two copies of a module
 * are loaded (the bundled CLI next to compiled modules, a store library used by a test worker).
 */
export class TachikomaError<Code extends string = string> extends Error {
  /** The subclass's stable name (class names may be renamed by a bundler); the base is 'TachikomaError'. */
  static readonly kind: string = 'TachikomaError';
  readonly marker: string;

  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    const kind = (new.target as unknown as { kind: string }).kind;
    this.name = kind;
    this.marker = `tachikoma.${kind}`;
  }

  /** Is `error` one of this class's errors? (`TachikomaError.isInstance` accepts any Tachikoma error.) */
  static isInstance<T extends abstract new (...args: never[]) => TachikomaError>(this: T, error: unknown): error is InstanceType<T> {
    if (!(error instanceof Error)) return false;
    const marker = (error as { marker?: unknown }).marker;
    if (typeof marker !== 'string' || !marker.startsWith('tachikoma.')) return false;
    const kind = (this as unknown as { kind: string }).kind;
    return kind === 'TachikomaError' || marker === `tachikoma.${kind}`;
  }

  /** Is `error` one of this class's errors, with this code? */
  static hasCode<T extends abstract new (...args: never[]) => TachikomaError>(this: T, error: unknown, code: InstanceType<T>['code']): error is InstanceType<T> {
    return (this as unknown as typeof TachikomaError).isInstance(error) && error.code === code;
  }
}
