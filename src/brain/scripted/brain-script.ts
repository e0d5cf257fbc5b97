import { z } from 'zod';
import { messageTypeSchema } from '../../protocol/index.js';

const scriptedCallSchema = z.strictObject({
  tool: z.string().min(1).max(100),
  input: z.record(z.string(), z.json()).default({}),
});

/** A reaction to an inbox message: the first rule whose `match` fits runs its calls. */
const messageRuleSchema = z.strictObject({
  match: z
    .strictObject({
      type: messageTypeSchema.optional(),
      from: z.string().max(100).optional(),
      contentIncludes: z.string().max(1000).optional(),
    })
    .default({}),
  calls: z.array(scriptedCallSchema).max(50),
});

/**
 * A scripted brain's script (JSON file). `turns` run one per turn, in order, from the first turn of the
 * instance; then each inbox message runs the calls of the first matching `onMessage` rule. String values
 * in inputs may use {{self}}, {{role}}, {{iteration}} and, in rules, {{from}}, {{content}}, {{type}},
 * {{id}}, {{seq}} of the message.
 */
export const brainScriptSchema = z.strictObject({
  version: z.literal(1),
  turns: z
    .array(
      z.strictObject({
        calls: z.array(scriptedCallSchema).max(50),
        summary: z.string().max(500).optional(),
        /** The instance has finished once this turn is played: it exits as done. */
        done: z.boolean().optional(),
      }),
    )
    .max(1000)
    .default([]),
  onMessage: z.array(messageRuleSchema).max(100).default([]),
  /** Milliseconds each turn takes before acting (to hold "thinking" in tests). */
  thinkMs: z.number().int().min(0).max(60_000).default(0),
});

export type BrainScript = z.infer<typeof brainScriptSchema>;
export type ScriptedCall = z.infer<typeof scriptedCallSchema>;
