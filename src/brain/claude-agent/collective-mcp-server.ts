import { z } from 'zod';
import type { ToolBox } from '../brain.js';
import { MAX_TOOL_RESULT_CHARS, renderToolResult } from '../model/render-tool-result.js';
import type { AgentSdkModule } from './load-agent-sdk.js';

/** The name the collective's in-process MCP server goes by; its tools are `mcp__tachikoma__<tool>`. */
export const COLLECTIVE_SERVER = 'tachikoma';

/** The name the agent calls a collective tool by. */
export function agentToolName(tool: string): string {
  return `mcp__${COLLECTIVE_SERVER}__${tool}`;
}

/**
 * The input shape handed to the SDK: the tool's own object shape, so the agent sees the real schema. The
 * MCP layer only strips and shapes; every call is validated again, in full, by the tool box.
 */
function shapeOf(input: z.ZodType): z.ZodRawShape {
  return input instanceof z.ZodObject ? input.shape : { input: z.unknown() };
}

/**
 * The turn's tool box as an in-process MCP server for the Claude Agent SDK: one tool per spec, always loaded
 * (not hidden behind tool search), each call going to `toolBox.call`, which checks the role, validates, runs
 * and records it. A refusal comes back to the agent as an error result it can read, never as an exception.
 */
export function collectiveMcpServer(sdk: AgentSdkModule, toolBox: ToolBox): ReturnType<AgentSdkModule['createSdkMcpServer']> {
  const tools = toolBox.specs.map((spec) => {
    const wrapped = !(spec.input instanceof z.ZodObject);
    return sdk.tool(
      spec.name,
      spec.description,
      shapeOf(spec.input),
      async (args: Record<string, unknown>) => {
        const result = await toolBox.call(spec.name, wrapped ? args.input : args);
        return { content: [{ type: 'text' as const, text: renderToolResult(result, Math.max(MAX_TOOL_RESULT_CHARS, spec.maxResultChars ?? 0)) }], isError: !result.ok };
      },
      { alwaysLoad: true },
    );
  });
  return sdk.createSdkMcpServer({ name: COLLECTIVE_SERVER, version: '1', tools, alwaysLoad: true });
}
