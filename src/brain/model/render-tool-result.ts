import type { ToolResult } from '../../tools/tool-box.js';

/** Largest tool result the model is shown, in characters of JSON; longer ones are cut with a note. */
export const MAX_TOOL_RESULT_CHARS = 12_000;

/** The ToolResult as the model reads it: JSON text, cut to `maxChars` with a note saying how to see the rest. */
export function renderToolResult(result: ToolResult, maxChars = MAX_TOOL_RESULT_CHARS): string {
  const text = JSON.stringify(result) ?? 'null';
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}… [cut: ${text.length} characters in all; ask for less, e.g. a line range or a lower limit]`;
}
