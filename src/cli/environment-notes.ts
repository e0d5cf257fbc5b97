import type { InstanceSpec } from '../orchestrator/run-config.js';
import { describeTracing } from '../telemetry/tracing-settings.js';

/** Which variable gives each brain its server when no --base-url (or brainOptions.baseUrl) does. */
const SERVER_VARIABLE: Readonly<Record<string, string>> = {
  anthropic: 'ANTHROPIC_BASE_URL',
  'claude-agent': 'ANTHROPIC_BASE_URL',
  'openai-compatible': 'OPENAI_BASE_URL',
  ollama: 'OLLAMA_HOST',
};

/** A URL as safe to print: origin and path, without user, password or query (a token may sit there). */
function shown(text: string): string {
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `http://${text}`);
    return `${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/**
 * The standard environment variables this run takes its settings from, by name, as safe to print: the model
 * servers of the brains that read one (unless an option names the server), and where traces go. Keys are
 * never among them.
 */
export function environmentNotes(instances: readonly InstanceSpec[], env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const notes: Record<string, string> = {};
  for (const spec of instances) {
    const variable = SERVER_VARIABLE[spec.brain];
    const value = variable === undefined ? undefined : env[variable]?.trim();
    if (variable !== undefined && value !== undefined && value !== '' && spec.brainOptions.baseUrl === undefined) notes[variable] = shown(value);
  }
  const traces = describeTracing(env);
  const tracesVariable = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  if (traces !== undefined) notes[tracesVariable] = traces;
  return notes;
}
