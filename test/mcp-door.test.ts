import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSqliteStore } from '../src/store/index.js';
import { CLI } from './support/collective-harness.js';

let runDirectory = '';
let workspace = '';

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'tachikoma-mcp-ws-'));
  writeFileSync(join(workspace, 'notes.md'), 'line one\nline two\n');
  runDirectory = join(workspace, '.tachikoma');
  const store = createSqliteStore(join(runDirectory, 'collective.db'));
  await store.register({ id: 'instance_1', role: 'explorer' });
  await store.close();
});
afterAll(() => rmSync(workspace, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

const textContent = z.object({ content: z.array(z.object({ type: z.literal('text'), text: z.string() })), isError: z.boolean().optional() });

describe('the MCP door', () => {
  it('lets an official MCP client list the tools, send a message as an instance, and be refused outside the workspace', async () => {
    const client = new Client({ name: 'outside-agent', version: '1.0.0' });
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--instance', 'instance_9', '--run-dir', runDirectory, '--workspace', workspace], stderr: 'pipe' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      const names = tools.map((tool) => tool.name);
      for (const name of ['send_message', 'share_finding', 'read_inbox', 'claim_task', 'vote', 'search_memory', 'read_files']) expect(names).toContain(name);
      expect(names).not.toContain('write_report');
      const sent = textContent.parse(await client.callTool({ name: 'send_message', arguments: { to: 'instance_1', type: 'question', content: 'hello from outside' } }));
      expect(sent.isError).toBe(false);
      const read = textContent.parse(await client.callTool({ name: 'read_files', arguments: { paths: ['notes.md', '../../etc/passwd'] } }));
      expect(read.content[0]?.text).toContain('line two');
      expect(read.content[0]?.text).toMatch(/with \\"..\\" are refused/);
      const invalid = textContent.parse(await client.callTool({ name: 'send_message', arguments: { to: 'instance_404', type: 'question', content: 'x' } }));
      expect(invalid.isError).toBe(true);
      expect(invalid.content[0]?.text).toMatch(/unknown instance "instance_404"/);
    } finally {
      await client.close();
    }
    const store = createSqliteStore(join(runDirectory, 'collective.db'));
    try {
      const messages = await store.readMessages({ audience: { instance: 'instance_1' }, after: 0 });
      expect(messages.map((message) => [message.from, message.content])).toEqual([['instance_9', 'hello from outside']]);
      const joined = await store.getInstance('instance_9');
      expect(joined?.metadata.brain).toBe('mcp');
    } finally {
      await store.close();
    }
  }, 30_000);
});
