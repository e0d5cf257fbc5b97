import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSqliteStore } from '../src/store/index.js';
import { CLI } from './support/collective-harness.js';

let runDirectory = '';

beforeAll(async () => {
  runDirectory = mkdtempSync(join(tmpdir(), 'tachikoma-conventions-'));
  const store = createSqliteStore(join(runDirectory, 'collective.db'));
  await store.register({ id: 'instance_1', role: 'explorer' });
  await store.heartbeat('instance_1', { status: 'thinking', lastActivity: 'reading' });
  await store.createTask({ title: 'audit src', createdBy: 'orchestrator' });
  await store.publish({ from: 'instance_1', to: 'broadcast', type: 'finding', content: 'one finding' });
  await store.close();
});

afterAll(() => rmSync(runDirectory, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

/** Runs the CLI with its standard output piped, in the environment given (colour variables removed first). */
async function piped(args: readonly string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !/^(NO_COLOR|FORCE_COLOR|NODE_DISABLE_COLORS|CI)$/.test(entry[0])));
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...base, TERM: 'xterm-256color', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [status] = (await once(child, 'exit')) as [number | null];
  return { status, stdout, stderr };
}

const ESCAPE = '\u001b';

describe('command-line conventions', () => {
  it('status and tasks print no colour into a pipe, nor with NO_COLOR even in CI; FORCE_COLOR forces it', async () => {
    for (const env of [{}, { CI: 'true' }, { NO_COLOR: '1', CI: 'true' }]) {
      for (const command of ['status', 'tasks']) {
        const result = await piped([command, '--run-dir', runDirectory], env);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout).toContain(command === 'status' ? 'instance_1' : 'audit src');
        expect(result.stdout.includes(ESCAPE), `${command} ${JSON.stringify(env)}`).toBe(false);
      }
    }
    const forced = await piped(['status', '--run-dir', runDirectory], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain(ESCAPE);
  });

  it('export takes --json like every read command', async () => {
    const result = await piped(['export', '--json', '--run-dir', runDirectory]);
    expect(result.status, result.stderr).toBe(0);
    const exported = z.looseObject({ exportVersion: z.literal(1), instances: z.array(z.unknown()), messages: z.array(z.looseObject({ content: z.string() })) }).parse(JSON.parse(result.stdout));
    expect(exported.messages.map((message) => message.content)).toEqual(['one finding']);
  });

  it('--version prints the package version on stdout and exits 0; an unknown option exits 2 with the reason on stderr', async () => {
    const version = z.looseObject({ version: z.string() }).parse(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'))).version;
    for (const flag of ['--version', '-V']) {
      const result = await piped([flag]);
      expect(result).toMatchObject({ status: 0, stdout: `${version}\n`, stderr: '' });
    }
    const wrong = await piped(['status', '--colour']);
    expect(wrong.status).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/unknown option '--colour'/);
  });
});
