import { type JSONSchema7, type ToolSet, dynamicTool, jsonSchema } from 'ai';
import { toolInputJsonSchema } from '../../tools/create-tool-box.js';
import type { ToolBox, ToolResult } from '../brain.js';
import { MAX_TOOL_RESULT_CHARS, renderToolResult } from '../model/render-tool-result.js';

export { MAX_TOOL_RESULT_CHARS, renderToolResult } from '../model/render-tool-result.js';

/** Keys some providers and local servers reject (recursive references, the draft marker, key patterns). */
const UNPORTABLE_KEYS = new Set(['$schema', '$defs', 'definitions', 'propertyNames']);

/** A JSON Schema without references or keys that servers differ on: a `$ref` becomes "any value". */
function portable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(portable);
  if (typeof value !== 'object' || value === null) return value;
  if ('$ref' in value) return {};
  return Object.fromEntries(Object.entries(value).filter(([key]) => !UNPORTABLE_KEYS.has(key)).map(([key, entry]) => [key, portable(entry)]));
}

/**
 * A tool's input as JSON Schema for a provider: the zod schema converted, made portable (the JSON-value
 * type of `metadata` is recursive, and not every OpenAI-compatible server follows `$ref`). Nothing is lost:
 * the tool box validates every input against the full zod schema.
 */
export function toolParameters(spec: ToolBox['specs'][number]): JSONSchema7 {
  const schema = portable(toolInputJsonSchema(spec));
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? schema : { type: 'object' };
}

/**
 * The tool box as AI SDK tools. Input is not validated here: every call goes to `toolBox.call`, which
 * validates it, runs it and records it, and whatever it returns — data or a readable error — is what the
 * model sees next, so it can react to a refusal instead of the turn failing.
 */
export function toAiTools(toolBox: ToolBox, maxResultChars = MAX_TOOL_RESULT_CHARS): ToolSet {
  const tools: ToolSet = {};
  let queue: Promise<unknown> = Promise.resolve();
  for (const spec of toolBox.specs) {
    tools[spec.name] = dynamicTool({
      description: spec.description,
      inputSchema: jsonSchema(toolParameters(spec)),
      // One call at a time, in the order the model wrote them: a claim_task after the create_task of the same
      // step must see the task (the SDK would otherwise run a step's calls at once).
      execute: (input: unknown) => {
        const result = queue.then(() => toolBox.call(spec.name, input));
        queue = result.catch(() => undefined);
        return result;
      },
      toModelOutput: ({ output }) => ({ type: 'text', value: renderToolResult(output as ToolResult, Math.max(maxResultChars, spec.maxResultChars ?? 0)) }),
    });
  }
  return tools;
}
