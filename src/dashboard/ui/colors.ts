/** The dashboard's palette: dark, cyan and blue; message types and states each have a colour. */
export const MESSAGE_COLORS: Record<string, string> = {
  finding: '#3ee7ff',
  question: '#ffd166',
  answer: '#7cff9b',
  task_complete: '#4d8dff',
  task_failed: '#ff5d73',
  proposal: '#c792ff',
  vote: '#ff9de2',
  consensus: '#ffffff',
  control: '#8892a6',
  status: '#5c6b86',
};

export const STATE_COLORS: Record<string, string> = {
  starting: '#8892a6',
  idle: '#4a6a8a',
  thinking: '#3ee7ff',
  writing: '#7cff9b',
  tool: '#ffd166',
  waiting: '#c792ff',
  stopped: '#56607a',
  crashed: '#ff5d73',
};

export function messageColor(type: string): string {
  return MESSAGE_COLORS[type] ?? '#9fb4d0';
}

export function stateColor(state: string): string {
  return STATE_COLORS[state] ?? '#8892a6';
}

interface Traits {
  thoroughness?: unknown;
  caution?: unknown;
  simplicity?: unknown;
  novelty?: unknown;
}

function trait(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.5;
}

/** A personality's colour: hue from novelty against caution, saturation from thoroughness. */
export function personalityColor(personality: unknown): string {
  if (typeof personality !== 'object' || personality === null) return 'hsl(195 70% 55%)';
  const traits = personality as Traits;
  const hue = 160 + (trait(traits.novelty) - trait(traits.caution)) * 90 + (trait(traits.simplicity) - 0.5) * 40;
  const saturation = 45 + trait(traits.thoroughness) * 50;
  return `hsl(${hue.toFixed(0)} ${saturation.toFixed(0)}% 58%)`;
}
