import type { ModelMessage, ToolModelMessage } from 'ai';

/** Characters per token, roughly, for English text and JSON: enough to keep a prompt under a budget. */
const CHARS_PER_TOKEN = 4;
/** Lines of an old tool result kept in its digest. */
const DIGEST_LINES = 3;
const DIGEST_LINE_CHARS = 160;

/** A prompt's size in tokens, estimated from its characters. */
export function estimateTokens(value: unknown): number {
  return Math.ceil((JSON.stringify(value) ?? '').length / CHARS_PER_TOKEN);
}

/** The text of a tool result output as the model saw it. */
function outputText(output: unknown): string {
  if (typeof output === 'object' && output !== null && 'value' in output) {
    const value = (output).value;
    return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  }
  return JSON.stringify(output) ?? '';
}

/** What stays of an old tool result: the tool, its size, and its first lines. */
export function digestOf(toolName: string, text: string): string {
  const lines = text.split(/\\n|\n/).slice(0, DIGEST_LINES).map((line) => line.slice(0, DIGEST_LINE_CHARS));
  return `[shortened to keep the prompt small: ${toolName} returned ${text.length} characters; it began: ${lines.join(' | ')}] — call it again if you need the rest`;
}

/** A tool message with every result digested (results already short enough stay as they are). */
function shorten(message: ToolModelMessage): ToolModelMessage {
  return {
    ...message,
    content: message.content.map((part) => {
      if (part.type !== 'tool-result') return part;
      const text = outputText(part.output);
      const digest = digestOf(part.toolName, text);
      return digest.length >= text.length ? part : { ...part, output: { type: 'text', value: digest } };
    }),
  };
}

/**
 * Keeps one call's prompt under `maxTokens` (estimated): the oldest tool results of the turn are shortened
 * to digests, one message at a time, until it fits; the newest tool message is never shortened (the model has
 * not read it yet). The same messages give the same result, and a result once shortened stays shortened on
 * later steps, so the prompt's prefix stays stable for the provider's cache.
 */
export function fitPromptBudget(messages: readonly ModelMessage[], fixedTokens: number, maxTokens: number): ModelMessage[] {
  const out = [...messages];
  let total = fixedTokens + estimateTokens(out);
  const lastTool = out.findLastIndex((message) => message.role === 'tool');
  for (let index = 0; index < lastTool && total > maxTokens; index += 1) {
    const message = out[index];
    if (message?.role !== 'tool') continue;
    const short = shorten(message);
    total += estimateTokens(short) - estimateTokens(message);
    out[index] = short;
  }
  return out;
}
