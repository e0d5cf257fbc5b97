import type { Attributes } from '@opentelemetry/api';
import { type LanguageModel, type LanguageModelMiddleware, wrapLanguageModel } from 'ai';
import { GEN_AI } from './gen-ai-attributes.js';
import { SPAN_KIND, inSpan } from './spans.js';
import { activeTracing } from './tracing.js';

/** Who serves a model: the GenAI provider name (`anthropic`, `openai`, `ollama` …) and the API root. */
export interface ModelEndpoint {
  provider: string;
  model: string;
  baseUrl: string | undefined;
}

function serverAttributes(baseUrl: string | undefined): Attributes {
  if (baseUrl === undefined) return {};
  try {
    const url = new URL(baseUrl);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return { 'server.address': url.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

function chatMiddleware(endpoint: ModelEndpoint): LanguageModelMiddleware {
  const base: Attributes = { [GEN_AI.operation]: 'chat', [GEN_AI.provider]: endpoint.provider, [GEN_AI.requestModel]: endpoint.model, ...serverAttributes(endpoint.baseUrl) };
  return {
    specificationVersion: 'v3',
    wrapGenerate: ({ doGenerate, params }) => {
      const attributes: Attributes = {
        ...base,
        ...(params.maxOutputTokens === undefined ? {} : { [GEN_AI.requestMaxTokens]: params.maxOutputTokens }),
        ...(params.temperature === undefined ? {} : { [GEN_AI.requestTemperature]: params.temperature }),
      };
      return inSpan(`chat ${endpoint.model}`, { kind: SPAN_KIND.client, attributes }, async (span) => {
        const result = await doGenerate();
        span?.setAttributes({
          [GEN_AI.finishReasons]: [result.finishReason.unified],
          ...(result.usage.inputTokens.total === undefined ? {} : { [GEN_AI.inputTokens]: result.usage.inputTokens.total }),
          ...(result.usage.outputTokens.total === undefined ? {} : { [GEN_AI.outputTokens]: result.usage.outputTokens.total }),
          ...(result.response?.modelId === undefined ? {} : { [GEN_AI.responseModel]: result.response.modelId }),
          ...(result.response?.id === undefined ? {} : { [GEN_AI.responseId]: result.response.id }),
        });
        return result;
      });
    },
  };
}

/**
 * The model with each call (one step of a turn) traced as a `chat` span with the GenAI attributes: provider,
 * model, server, limits, finish reason and token usage. Returns `model` itself when tracing is off.
 */
export function traceModelCalls(model: LanguageModel, endpoint: ModelEndpoint): LanguageModel {
  if (activeTracing() === undefined || typeof model === 'string' || model.specificationVersion !== 'v3') return model;
  return wrapLanguageModel({ model, middleware: chatMiddleware(endpoint) });
}
