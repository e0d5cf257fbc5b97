export { type MockLlmServer, type MockLlmServerOptions, startMockLlmServer } from './mock-llm-server.js';
export type { MockLlmApi, MockLlmMessage, MockLlmRequest, MockReply, MockResponder, MockToolCall, MockToolResult, MockUsage } from './mock-llm-types.js';
export {
  type PlanProgress,
  type PlanStep,
  byInstance,
  firstUserText,
  notebookToolCalls,
  turnPromptText,
  instanceIdOf,
  planResponder,
  replyQueue,
  succeeded,
  toolThen,
  trailingToolResults,
} from './scripted-responder.js';
export { type ToolBoxFixture, type ToolBoxFixtureOptions, createToolBoxFixture } from '../tool-box-fixture.js';
export { type CacheSplit, PromptCacheSimulator, tokensOf } from './prompt-cache.js';
