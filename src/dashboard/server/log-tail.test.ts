import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchLog } from './log-tail.js';

let folder: string;
const stops: Array<() => void> = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'tachikoma-log-tail-'));
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  rmSync(folder, { recursive: true, force: true });
});

describe('following a log', () => {
  it('cuts a line that never ends to 64 KiB instead of holding all of it, and goes on with the next lines', async () => {
    const log = join(folder, 'instance_1.log');
    writeFileSync(log, '');
    const lines: string[] = [];
    stops.push(watchLog(log, (batch) => lines.push(...batch), 20));
    // The watcher follows from the size it first sees: a line written until one arrives says it has started.
    while (!lines.includes('ready')) {
      appendFileSync(log, 'ready\n');
      await new Promise((done) => setTimeout(done, 20));
    }
    lines.length = 0;
    const chunk = 'x'.repeat(256 * 1024);
    for (let index = 0; index < 12; index += 1) {
      appendFileSync(log, chunk); // 3 MiB without a newline
      await new Promise((done) => setTimeout(done, 30));
    }
    appendFileSync(log, 'y\nafter\n');
    const deadline = Date.now() + 10_000;
    while (!lines.includes('after') && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    // Lines still in flight from the start are left out: what is checked is the long line and what follows it.
    lines.splice(0, lines.filter((line) => line === 'ready').length);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`${'x'.repeat(64 * 1024)}…`);
    expect(lines[1]).toBe('after');
  });
});
