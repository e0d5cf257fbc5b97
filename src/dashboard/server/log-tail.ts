import { type FileHandle, open, stat } from 'node:fs/promises';

const TAIL_BYTES = 512 * 1024;
/** A followed line longer than this is cut: a writer that never ends its line must not grow a buffer without end. */
const MAX_LINE_CHARS = 64 * 1024;

async function readRange(path: string, start: number, end: number): Promise<string> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle?.close();
  }
}

/** The last `count` complete lines of a log file ([] when it does not exist yet). */
export async function readLogTail(path: string, count: number): Promise<string[]> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return [];
  }
  const start = Math.max(0, size - TAIL_BYTES);
  const text = await readRange(path, start, size);
  const lines = text.split('\n').filter((line) => line !== '');
  if (start > 0) lines.shift(); // the first line may be cut
  return lines.slice(-count);
}

/**
 * Calls `onLines` with each batch of complete lines appended to `path` from now on (checked every 400 ms; a
 * truncated or replaced file is read from its start). Returns the stop function.
 */
export function watchLog(path: string, onLines: (lines: string[]) => void, intervalMs = 400): () => void {
  let offset = -1;
  let carry = '';
  let busy = false;
  const tick = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const size = (await stat(path).catch(() => null))?.size ?? 0;
      if (offset < 0) offset = size;
      if (size < offset) {
        offset = 0;
        carry = '';
      }
      if (size > offset) {
        const end = Math.min(size, offset + TAIL_BYTES);
        const text = carry + (await readRange(path, offset, end));
        offset = end;
        const parts = text.split('\n');
        carry = (parts.pop() ?? '').slice(0, MAX_LINE_CHARS + 1); // one more, to know it was cut
        const lines = parts.filter((line) => line !== '').map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line));
        if (lines.length > 0) onLines(lines);
      }
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick().catch(() => undefined), intervalMs);
  return () => clearInterval(timer);
}
