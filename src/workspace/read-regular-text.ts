import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/** Largest file the tools read as text. */
export const MAX_FILE_BYTES = 256 * 1024;

/**
 * Reads a workspace file as text if it is a regular file of at most MAX_FILE_BYTES. A FIFO, socket or device
 * would block the read (and the whole instance with it) or never end, so only regular files are opened.
 */
export function readRegularText(absolute: string, shown: string): string {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting; the check is on the opened
  // descriptor, so a file swapped for a FIFO after a stat cannot slip through.
  const descriptor = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) throw new Error(`${shown} is not a regular file; only regular files are read`);
    if (stats.size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes; find the lines with grep, then read a range`);
    return readFileSync(descriptor, 'utf8');
  } finally {
    closeSync(descriptor);
  }
}
