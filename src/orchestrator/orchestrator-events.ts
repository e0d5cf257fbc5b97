/** What the orchestrator reports as it supervises: shown live, logged, and printed as lines when not a TTY. */
export type OrchestratorEvent =
  /** `environment`: the standard variables the run takes settings from (model servers, traces), without secrets. */
  | { type: 'run_started'; runDirectory: string; instances: number; resumed: boolean; environment?: Record<string, string> }
  | { type: 'instance_started'; id: string; pid: number; restart: number }
  | { type: 'instance_exited'; id: string; code: number | null; signal: string | null; expected: boolean; stderrTail: string }
  | { type: 'instance_restarting'; id: string; inMs: number; attempt: number }
  | { type: 'instance_gave_up'; id: string; crashes: number; windowMs: number; stderrTail: string }
  | { type: 'instance_stale'; id: string; silentMs: number }
  /** An instance this orchestrator did not spawn (joined from another host or by hand) went silent; recorded as crashed. */
  | { type: 'instance_lost'; id: string; host: string; silentMs: number }
  | { type: 'stop_requested'; by: string }
  | { type: 'goal_met'; by: string }
  | { type: 'killed_stragglers'; ids: string[] }
  | { type: 'run_stopped'; state: 'stopped' | 'done' | 'crashed' };

export type EventSink = (event: OrchestratorEvent) => void;
