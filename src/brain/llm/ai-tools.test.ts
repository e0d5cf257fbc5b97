import { describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../tools/all-tools.js';
import { renderToolResult, toolParameters } from './ai-tools.js';

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
});
