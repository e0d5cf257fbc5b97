import { z } from 'zod';
import { MAX_METADATA_BYTES, MAX_TEXT_BYTES, MAX_TITLE_CHARS } from './limits.js';

const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

/** UTF-8 byte length of a string. */
export function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

const TIMESTAMP_FORMAT = 'timestamps are ISO-8601 date-times with a time zone, e.g. 2026-01-02T03:04:05.678Z or 2026-01-02T03:04:05Z';
const OUT_OF_RANGE = 'timestamp is not a real date between 2000 and 2200';

function inRange(value: string): boolean {
  const time = Date.parse(value);
  return Number.isFinite(time) && time >= EARLIEST && time < LATEST;
}

/**
 * An ISO-8601 date-time between 2000 and 2200, in any of the forms outside callers send (`Z` or an offset such
 * as `+00:00`; minutes, seconds, or any fraction of a second), normalised to UTC with milliseconds
 * (`2026-11-25T02:15:45.123Z`), the one form the stores keep and compare.
 */
export const timestampSchema = z
  .union([
    // The stored form: what every record read back from a store is, taken as it is.
    z.iso.datetime({ offset: false, precision: 3, message: TIMESTAMP_FORMAT }),
    z
      .union([z.iso.datetime({ offset: true, message: TIMESTAMP_FORMAT }), z.iso.datetime({ offset: true, precision: -1, message: TIMESTAMP_FORMAT })])
      .transform((value) => new Date(Date.parse(value)).toISOString()),
  ])
  // Checked once the form is right, so a malformed time gets one message, not two.
  .refine(inRange, { message: OUT_OF_RANGE, when: (payload) => payload.issues.length === 0 });

/** Text with no NUL character: SQLite's text functions and C strings would silently cut it there. */
export const NO_NUL_MESSAGE = 'text may not contain a NUL character (\\u0000)';

/** A string of at most `maxChars` characters and no NUL. */
export function shortText(maxChars: number) {
  return z.string().max(maxChars).refine((value) => !value.includes('\u0000'), NO_NUL_MESSAGE);
}

/** A string of at most `maxBytes` UTF-8 bytes and no NUL. */
export function boundedText(maxBytes: number, what: string) {
  return z
    .string()
    .refine((value) => byteLength(value) <= maxBytes, {
      message: `${what} is over ${maxBytes} bytes; shorten it or store the bulk in a file and send its path`,
    })
    .refine((value) => !value.includes('\u0000'), NO_NUL_MESSAGE);
}

/** A short free text (details, results, reasons). */
export const textSchema = boundedText(MAX_TEXT_BYTES, 'text');

/** A JSON object of at most MAX_METADATA_BYTES once serialised. */
export const metadataSchema = z
  .record(z.string(), z.json())
  .refine((value) => byteLength(JSON.stringify(value)) <= MAX_METADATA_BYTES, {
    message: `metadata is over ${MAX_METADATA_BYTES} bytes once serialised`,
  });

export type Metadata = z.infer<typeof metadataSchema>;

/** The current time as a protocol timestamp. */
export function nowTimestamp(now: number = Date.now()): string {
  return new Date(now).toISOString();
}

/** A non-empty one-line title: at most MAX_TITLE_CHARS characters, no NUL. */
export const titleSchema = shortText(MAX_TITLE_CHARS).refine((value) => value.trim().length > 0, 'title is empty');
