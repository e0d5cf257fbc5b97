import { describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../tools/all-tools.js';
import { z } from 'zod';
import type { ToolBox, ToolResult } from '../brain.js';
import { renderToolResult, toAiTools, toolParameters } from './ai-tools.js';

describe('tools as the model sees them', () => {
  it('describes every tool input as a portable object schema (no $ref, $defs or $schema)', () => {
    for (const tool of ALL_TOOLS) {
      const schema = toolParameters(tool);
      expect(schema.type, tool.name).toBe('object');
      expect(JSON.stringify(schema), tool.name).not.toMatch(/"\$ref"|"\$defs"|"\$schema"|"propertyNames"/);
    }
    expect(toolParameters(ALL_TOOLS.find((tool) => tool.name === 'send_message') ?? ALL_TOOLS[0]!)).toMatchObject({
      required: ['to', 'type', 'content'],
      properties: { metadata: { type: 'object', additionalProperties: {} } },
    });
  });

  it('renders results as JSON text, cut with a note when too long', () => {
    expect(renderToolResult({ ok: false, error: 'nope' })).toBe('{"ok":false,"error":"nope"}');
    const long = renderToolResult({ ok: true, data: 'x'.repeat(500) }, 100);
    expect(long).toMatch(/^\{"ok":true,"data":"x+… \[cut: 521 characters in all; ask for less/);
    expect(long.length).toBeLessThan(200);
  });

  it('runs the calls of one step one at a time, in the order the model wrote them', async () => {
    const tasks = new Set<string>();
    const order: string[] = [];
    const toolBox: ToolBox = {
      specs: [
        { name: 'create_task', description: 'create', input: z.object({ id: z.string() }) },
        { name: 'claim_task', description: 'claim', input: z.object({ id: z.string() }) },
      ],
      async call(name, input): Promise<ToolResult> {
        const { id } = input as { id: string };
        order.push(`${name} start`);
        if (name === 'create_task') {
          // A slow write: a claim started at the same time would not find the task yet.
          await new Promise((resolve) => setTimeout(resolve, 50));
          tasks.add(id);
        }
        order.push(`${name} end`);
        return name === 'claim_task' && !tasks.has(id) ? { ok: false, error: 'not_found' } : { ok: true, data: id };
      },
    };
    const tools = toAiTools(toolBox);
    const options = { toolCallId: 'c', messages: [] };
    // As the SDK does for a step with two calls: both executions are started before either ends.
    const results = await Promise.all([tools.create_task?.execute?.({ id: 't1' }, options), tools.claim_task?.execute?.({ id: 't1' }, options)]);
    expect(results).toEqual([{ ok: true, data: 't1' }, { ok: true, data: 't1' }]);
    expect(order).toEqual(['create_task start', 'create_task end', 'claim_task start', 'claim_task end']);
  });
});
