import type { ModelMessage, SystemModelMessage, ToolSet } from 'ai';

/** Anthropic's marker for "cache the prompt up to here" (a 5-minute ephemeral cache). */
const EPHEMERAL = { anthropic: { cacheControl: { type: 'ephemeral' } } } as const;

/**
 * Where the prompt is cached, for a provider that needs to be told (Anthropic; OpenAI-style servers cache
 * prefixes on their own, so for them the only rule is to keep the stable part first). At most three of
 * Anthropic's four breakpoints are used: the last tool (the tool schemas never change), the system prompt
 * (changes only with the instance), and one that moves to the newest message of the conversation, so each
 * step of a turn reads every earlier step from the cache and writes only what is new.
 */
export interface CacheBreakpoints {
  system(text: string): string | SystemModelMessage;
  tools(tools: ToolSet): ToolSet;
  conversation(messages: ModelMessage[]): ModelMessage[];
}

/** No markers: the provider caches by itself, or caching is off. */
export const NO_BREAKPOINTS: CacheBreakpoints = {
  system: (text) => text,
  tools: (tools) => tools,
  conversation: (messages) => messages,
};

/** Anthropic's breakpoints: last tool, system prompt, newest message. */
export const ANTHROPIC_BREAKPOINTS: CacheBreakpoints = {
  system: (text) => ({ role: 'system', content: text, providerOptions: EPHEMERAL }),
  tools(tools) {
    const names = Object.keys(tools);
    const last = names.at(-1);
    const tool = last === undefined ? undefined : tools[last];
    if (last === undefined || tool === undefined) return tools;
    return { ...tools, [last]: { ...tool, providerOptions: EPHEMERAL } };
  },
  conversation(messages) {
    const last = messages.at(-1);
    if (last === undefined) return messages;
    return [...messages.slice(0, -1), { ...last, providerOptions: { ...(last.providerOptions ?? {}), ...EPHEMERAL } }];
  },
};
