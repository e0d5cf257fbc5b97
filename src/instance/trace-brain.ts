import type { Attributes, Link } from '@opentelemetry/api';
import type { Brain, ToolBox, TurnContext, TurnOutcome } from '../brain/brain.js';
import { CONVERSATION_BAGGAGE, GEN_AI } from '../telemetry/gen-ai-attributes.js';
import { SPAN_KIND, baggageEntry, inSpan, linkTo, markFailed } from '../telemetry/spans.js';
import { activeTracing } from '../telemetry/tracing.js';

/** Who the traced agent is: its instance id, role and brain. */
export interface TracedAgent {
  instanceId: string;
  role: string;
}

/** Links from the turn to the spans that sent its inbox (a sender's traceparent travels in the message metadata). */
function inboxLinks(context: TurnContext): Link[] {
  return context.inbox.flatMap((message) => {
    const link = linkTo(message.metadata.traceparent, { 'tachikoma.message.id': message.id, 'tachikoma.message.from': message.from, 'tachikoma.message.type': message.type });
    return link === undefined ? [] : [link];
  });
}

/** A tool box whose every call is an `execute_tool` span. */
function traceToolBox(toolBox: ToolBox): ToolBox {
  return {
    specs: toolBox.specs,
    call: (name, input) =>
      inSpan(`execute_tool ${name}`, { kind: SPAN_KIND.internal, attributes: { [GEN_AI.operation]: 'execute_tool', [GEN_AI.toolName]: name, [GEN_AI.toolType]: 'function' } }, async (span) => {
        const result = await toolBox.call(name, input);
        if (!result.ok) markFailed(span, 'tool_error', result.error.slice(0, 200));
        return result;
      }),
  };
}

function outcomeAttributes(outcome: TurnOutcome): Attributes {
  return {
    'tachikoma.turn.idle': outcome.idle,
    ...(outcome.skipped === true ? { 'tachikoma.turn.skipped': true } : {}),
    ...(outcome.unhandled === true ? { 'tachikoma.turn.unhandled': true } : {}),
    ...(outcome.usage === undefined ? {} : { [GEN_AI.inputTokens]: outcome.usage.inputTokens, [GEN_AI.outputTokens]: outcome.usage.outputTokens }),
  };
}

/**
 * The brain with each turn traced as an `invoke_agent` span (GenAI conventions: the agent is the instance, the
 * conversation is the run), linked to the spans that sent its inbox messages, with each tool call inside it an
 * `execute_tool` span. Returns `brain` itself when tracing is off.
 */
export function traceBrain(brain: Brain, agent: TracedAgent): Brain {
  if (activeTracing() === undefined) return brain;
  const conversation = baggageEntry(CONVERSATION_BAGGAGE);
  const base: Attributes = {
    [GEN_AI.operation]: 'invoke_agent',
    [GEN_AI.agentName]: agent.instanceId,
    [GEN_AI.agentId]: agent.instanceId,
    'tachikoma.role': agent.role,
    'tachikoma.brain': brain.name,
    ...(conversation === undefined ? {} : { [GEN_AI.conversationId]: conversation }),
  };
  return {
    name: brain.name,
    ...(brain.model === undefined ? {} : { model: brain.model }),
    turn: (context, toolBox, signal, hooks) =>
      inSpan(
        `invoke_agent ${agent.instanceId}`,
        { kind: SPAN_KIND.internal, attributes: { ...base, 'tachikoma.iteration': context.instance.iteration, 'tachikoma.inbox.size': context.inbox.length }, links: inboxLinks(context) },
        async (span) => {
          // The governor's hooks pass through: tracing must not lift the pacer or the mid-turn budget stop.
          const outcome = await brain.turn(context, traceToolBox(toolBox), signal, hooks);
          span?.setAttributes(outcomeAttributes(outcome));
          return outcome;
        },
      ),
    ...(brain.close === undefined ? {} : { close: () => brain.close?.() ?? Promise.resolve() }),
  };
}
