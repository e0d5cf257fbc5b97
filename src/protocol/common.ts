import { z } from 'zod';
import { MAX_METADATA_BYTES, MAX_TEXT_BYTES, MAX_TITLE_CHARS } from './limits.js';

const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

/** UTF-8 byte length of a string. */
export function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** An ISO-8601 UTC timestamp with milliseconds (`2026-11-25T02:15:45.123Z`), between 2000 and 2200. */
export const timestampSchema = z.iso
  .datetime({ offset: false, precision: 3, message: 'timestamps are ISO-8601 UTC with milliseconds, e.g. 2026-01-02T03:04:05.678Z' })
  .refine((value) => {
    const time = Date.parse(value);
    return Number.isFinite(time) && time >= EARLIEST && time < LATEST;
  }, 'timestamp is not a real date between 2000 and 2200');

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
