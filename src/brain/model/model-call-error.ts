import { APICallError, RetryError } from 'ai';

/** Status codes that no retry can fix: a wrong key, a forbidden account, an unknown model or URL. */
const FATAL_STATUS = new Set([401, 403, 404]);

/** What went wrong with a model call, in words safe to log. */
export interface ModelCallFailure {
  /** True when the configuration is wrong (key, model, URL): the instance should stop rather than retry. */
  fatal: boolean;
  /** One line, with the API key (if any) redacted. */
  text: string;
}

/** Replaces every occurrence of `secret` in `text`. */
export function redact(text: string, secret: string | undefined): string {
  return secret === undefined || secret === '' ? text : text.split(secret).join('[redacted]');
}

/** Classifies an error thrown by `generateText`: fatal (misconfigured) or worth another turn later. */
export function describeModelCallError(error: unknown, secret: string | undefined): ModelCallFailure {
  const last = RetryError.isInstance(error) ? error.lastError : error;
  const status = APICallError.isInstance(last) ? last.statusCode : undefined;
  const message = last instanceof Error ? last.message : String(last);
  const where = APICallError.isInstance(last) ? ` (${last.url})` : '';
  const text = redact(`${status === undefined ? '' : `HTTP ${status}: `}${message}${where}`, secret).replace(/\s+/g, ' ').slice(0, 500);
  return { fatal: status !== undefined && FATAL_STATUS.has(status), text };
}
