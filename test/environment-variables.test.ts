import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isAgentSdkInstalled } from '../src/brain/claude-agent/load-agent-sdk.js';
import { type MockLlmApi, byInstance, planResponder, startMockLlmServer } from './support/model-server/index.js';
import { CLI, alive, cli, waitFor, withStore } from './support/collective-harness.js';

const SECRET = 'sk-env-secret-0123456789';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Case {
  brain: string;
  variable: string;
  /** The variable's value, given the mock server's base URL (http://127.0.0.1:port). */
  value: (base: string) => string;
  api: MockLlmApi;
  tool: string;
  extra: Record<string, string>;
}

const CASES: Case[] = [
  { brain: 'anthropic', variable: 'ANTHROPIC_BASE_URL', value: (base) => base, api: 'anthropic-messages', tool: 'share_finding', extra: { ANTHROPIC_API_KEY: SECRET } },
  { brain: 'openai-compatible', variable: 'OPENAI_BASE_URL', value: (base) => `${base}/v1`, api: 'openai-chat', tool: 'share_finding', extra: { OPENAI_API_KEY: SECRET } },
  { brain: 'ollama', variable: 'OLLAMA_HOST', value: (base) => base.slice('http://'.length), api: 'openai-chat', tool: 'share_finding', extra: {} },
  ...(isAgentSdkInstalled()
    ? [{ brain: 'claude-agent', variable: 'ANTHROPIC_BASE_URL', value: (base: string) => base, api: 'anthropic-messages' as const, tool: 'mcp__tachikoma__share_finding', extra: { ANTHROPIC_API_KEY: SECRET } }]
    : []),
];

const startedEvent = z.looseObject({ type: z.literal('run_started'), environment: z.record(z.string(), z.string()).optional() });

/** The environment without any variable that could point a brain elsewhere. */
function cleanEnvironment(): Record<string, string> {
  const names = /^(ANTHROPIC_|OPENAI_|OLLAMA_|CLAUDE_CODE_|OTEL_)/;
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !names.test(entry[0])));
}

describe('standard environment variables reach the right brain', () => {
  for (const setup of CASES) {
    it(`${setup.variable} points the ${setup.brain} brain at its server (no --base-url)`, async () => {
      const plan = planResponder([{ call: { name: setup.tool, input: { content: `found through ${setup.variable}`, evidence: ['notes.md:1'] } } }], { doneText: 'done' });
      const mock = await startMockLlmServer({ respond: byInstance({ instance_1: plan }) });
      cleanups.push(() => mock.close());
      const workspace = mkdtempSync(join(tmpdir(), 'tachikoma-env-'));
      cleanups.push(() => rmSync(workspace, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
      writeFileSync(join(workspace, 'notes.md'), '# notes\n');
      writeFileSync(join(workspace, 'tachikoma.config.json'), JSON.stringify({ heartbeatMs: 250, staleMs: 20_000, idleCheckMs: 60_000, stopTimeoutMs: 8000, brainOptions: { maxRetries: 0 } }));
      const runDirectory = join(workspace, '.tachikoma');
      const value = setup.value(mock.url);
      const child = spawn(process.execPath, [CLI, 'run', '--json', '--workspace', workspace, '--run-dir', runDirectory, '--brain', setup.brain, '--model', 'mock', '--instances', '1', '--no-dashboard'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...cleanEnvironment(), ...setup.extra, [setup.variable]: value },
      });
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      cleanups.push(() => {
        if (child.exitCode === null && child.pid !== undefined && alive(child.pid)) child.kill('SIGKILL');
      });
      const lines: string[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
      child.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[orchestrator] ${chunk.toString()}`));

      await waitFor(`the ${setup.brain} brain to call the server named by ${setup.variable}`, () => plan.finished, 60_000);
      const finding = await waitFor('the finding in the store', () =>
        withStore(runDirectory, async (store) => (await store.readMessages({ audience: { all: true }, after: 0 })).find((message) => message.type === 'finding')), 20_000);
      expect(finding.content).toBe(`found through ${setup.variable}`);
      expect(mock.requests.length).toBeGreaterThan(0);
      expect(new Set(mock.requests.map((request) => request.api))).toEqual(new Set([setup.api]));
      if (setup.api === 'anthropic-messages') expect(mock.requests.every((request) => request.path.startsWith('/v1/messages'))).toBe(true);
      const stopped = await cli(['stop', '--run-dir', runDirectory]);
      expect(stopped.status, stopped.stderr).toBe(0);
      expect(await exited).toBe(0);
      // The start line names the variable and its value (a URL, never a key).
      const started = lines.map((line) => startedEvent.safeParse(JSON.parse(line))).find((parsed) => parsed.success)?.data;
      expect(started?.environment?.[setup.variable]).toBe(setup.variable === 'OLLAMA_HOST' ? mock.url : value);
      expect(lines.join('\n')).not.toContain(SECRET);
    });
  }
});
