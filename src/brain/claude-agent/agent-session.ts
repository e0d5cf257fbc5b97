import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { summarizeTurn } from '../model/compact-notebook.js';
import type { StepRecord } from '../model/conversation-notebook.js';
import type { Notebook } from '../notebook.js';
import { COLLECTIVE_SERVER } from './collective-mcp-server.js';

export { DEFAULT_SESSION_TOKENS } from './claude-agent-options.js';

const COLLECTIVE_PREFIX = `mcp__${COLLECTIVE_SERVER}__`;

type Block = { type: string; [key: string]: unknown };

function blocksOf(content: unknown): Block[] {
  if (!Array.isArray(content)) return [];
  return content.filter((block): block is Block => typeof block === 'object' && block !== null && typeof (block as { type?: unknown }).type === 'string');
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return blocksOf(content).map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('');
}

/**
 * The steps of one agent query as the notebook records them: each assistant message of the main thread
 * (not of subagents) is a step — its text and tool calls — and the tool results that follow it are its
 * results. Collective tools are named as the tool box names them (without the MCP prefix).
 */
export function agentStepCollector(): { add(message: SDKMessage): void; readonly steps: StepRecord[] } {
  const steps: Array<{ text: string; toolCalls: StepRecord['toolCalls'][number][]; toolResults: StepRecord['toolResults'][number][] }> = [];
  return {
    steps,
    add(message) {
      if ((message.type !== 'assistant' && message.type !== 'user') || message.parent_tool_use_id !== null) return;
      if (message.type === 'assistant') {
        const blocks = blocksOf(message.message.content);
        const calls = blocks.flatMap((block) =>
          block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string' ? [{ toolCallId: block.id, toolName: block.name.replace(COLLECTIVE_PREFIX, ''), input: block.input }] : [],
        );
        steps.push({ text: textOf(blocks), toolCalls: calls, toolResults: [] });
        return;
      }
      const last = steps.at(-1);
      if (last === undefined) return;
      for (const block of blocksOf(message.message.content)) {
        if (block.type !== 'tool_result' || typeof block.tool_use_id !== 'string') continue;
        last.toolResults.push({ toolCallId: block.tool_use_id, output: textOf(block.content), isError: block.is_error === true });
      }
    },
  };
}

/** Whether a failed query's error says the session to resume is gone (then the next turn starts a new one). */
export function sessionLost(text: string): boolean {
  return /no conversation found|session/i.test(text);
}

/** The notebook without a session to resume. */
export function forgetSession(notebook: Notebook): Notebook {
  const { sessionId: _dropped, ...rest } = notebook;
  return rest;
}


/**
 * The notebook after a query: the session is kept for the next turn while one model call of it stays within
 * `sessionTokens` of input (a session grows with every turn it holds); past that, or with 0, the next turn
 * starts a new session and is given the notebook's summary instead.
 */
export function keepSession(notebook: Notebook, sessionId: string, inputTokens: number, modelCalls: number, sessionTokens: number): Notebook {
  const perCall = inputTokens / Math.max(1, modelCalls);
  return perCall > sessionTokens ? forgetSession(notebook) : { ...notebook, sessionId };
}

/**
 * The turn prompt of a new session whose instance has a notebook: its earlier turns in one line each (what it
 * called, key results, what it said), then the prompt. A resumed session already holds them: prompt unchanged.
 */
export function promptWithNotebook(notebook: Notebook, prompt: string, resumed: boolean): string {
  if (resumed || (notebook.summary.length === 0 && notebook.turns.length === 0)) return prompt;
  const lines = [...notebook.summary, ...notebook.turns.map(summarizeTurn)];
  return [`Your notebook: your own earlier turns, oldest first (${lines.length}). These are your actions, not anyone else's.`, ...lines.map((line) => `- ${line}`), '', prompt].join('\n');
}
