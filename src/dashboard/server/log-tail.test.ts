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
    await new Promise((done) => setTimeout(done, 60));
    const chunk = 'x'.repeat(256 * 1024);
    for (let index = 0; index < 12; index += 1) {
      appendFileSync(log, chunk); // 3 MiB without a newline
      await new Promise((done) => setTimeout(done, 30));
    }
    appendFileSync(log, 'y\nafter\n');
    const deadline = Date.now() + 10_000;
    while (!lines.includes('after') && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`${'x'.repeat(64 * 1024)}…`);
    expect(lines[1]).toBe('after');
  });
});
