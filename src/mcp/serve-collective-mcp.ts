import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { z } from 'zod';
import { allowedTools } from '../collective/roles.js';
import type { Role } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';
import { ALL_TOOLS } from '../tools/all-tools.js';
import { createToolBox } from '../tools/create-tool-box.js';

export interface McpDoorOptions {
  store: CollectiveStore;
  instanceId: string;
  role: Role;
  workspace: string;
  runDirectory: string;
  version: string;
  heartbeatMs?: number;
}

/**
 * Serves the collective's tools over MCP on stdio, so an outside agent (Claude Code, any MCP client) joins
 * the collective as `instanceId`: registered in the registry, heartbeating while connected, and acting only
 * through the same tools, permissions and store as every other instance. Resolves when the client leaves.
 */
export async function serveCollectiveMcp(options: McpDoorOptions): Promise<void> {
  const { store, instanceId, role } = options;
  await store.register({ id: instanceId, role, pid: process.pid, status: 'idle', metadata: { brain: 'mcp' } });
  const beat = setInterval(() => void store.heartbeat(instanceId).catch(() => undefined), options.heartbeatMs ?? 1000);
  const server = new McpServer({ name: 'tachikoma', version: options.version });
  const allowed = allowedTools(role, true);
  const currentTask = { id: null as string | null };
  let calls = 0;
  for (const tool of ALL_TOOLS.filter((entry) => allowed.has(entry.name))) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.input as z.ZodObject }, async (input: unknown) => {
      calls += 1;
      const box = createToolBox({
        tools: ALL_TOOLS, store, self: instanceId, role, signal: new AbortController().signal, currentTask, leaseMs: 60_000,
        workspace: options.workspace, runDirectory: options.runDirectory, allowed, turnKey: `mcp-${process.pid}-${calls}`,
      });
      await store.heartbeat(instanceId, { status: 'tool', lastActivity: `mcp: ${tool.name}`, currentTask: currentTask.id });
      const result = await box.call(tool.name, input);
      await store.heartbeat(instanceId, { status: 'idle', currentTask: currentTask.id });
      const text = result.ok ? JSON.stringify(result.data, null, 1) : result.error;
      return { content: [{ type: 'text' as const, text }], isError: !result.ok };
    });
  }
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  clearInterval(beat);
  await store.heartbeat(instanceId, { status: 'stopped', lastActivity: 'mcp client left' }).catch(() => undefined);
  await server.close();
}
