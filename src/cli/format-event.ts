import type { OrchestratorEvent } from '../orchestrator/orchestrator-events.js';

function fromEnvironment(environment: Record<string, string> | undefined): string {
  const entries = Object.entries(environment ?? {});
  return entries.length === 0 ? '' : ` · from the environment: ${entries.map(([name, value]) => `${name}=${value}`).join(', ')}`;
}

/** One human line for an orchestrator event. */
export function formatEvent(event: OrchestratorEvent): string {
  switch (event.type) {
    case 'run_started':
      return `${event.resumed ? 'resumed' : 'started'} a collective of ${event.instances} in ${event.runDirectory}${fromEnvironment(event.environment)}`;
    case 'instance_started':
      return `${event.id} started (pid ${event.pid})${event.restart > 0 ? ` — restart ${event.restart}` : ''}`;
    case 'instance_exited':
      return `${event.id} exited (${event.signal ?? `code ${event.code ?? '?'}`})${event.expected ? '' : ' unexpectedly'}`;
    case 'instance_restarting':
      return `${event.id} crashed; restarting in ${event.inMs} ms (crash ${event.attempt})`;
    case 'instance_gave_up':
      return `!!! ${event.id} crashed ${event.crashes} times in ${Math.round(event.windowMs / 1000)} s — NOT restarting it. Last error output:\n${event.stderrTail.trim() || '(none)'}`;
    case 'instance_stale':
      return `${event.id} silent for ${Math.round(event.silentMs / 1000)} s; killing it to restart`;
    case 'instance_lost':
      return `${event.id} on ${event.host} silent for ${Math.round(event.silentMs / 1000)} s; recorded as crashed (not started here, so not restarted; its tasks return to the board when their leases expire)`;
    case 'stop_requested':
      return `stop requested by ${event.by}`;
    case 'goal_met':
      return `the collective agreed the goal is met (${event.by})`;
    case 'killed_stragglers':
      return `killed instances that did not stop in time: ${event.ids.join(', ')}`;
    case 'run_stopped':
      return `run ${event.state}`;
  }
}
