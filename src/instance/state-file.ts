import writeFileAtomic from 'write-file-atomic';
import type { InstanceStatus, Role } from '../protocol/index.js';

/** Version of the `.instance_N_state.json` layout. */
export const STATE_FILE_VERSION = 1;

/** What an instance's own state file says about it (a view: the store is the truth). */
export interface InstanceStateView {
  schemaVersion: number;
  id: string;
  role: Role;
  pid: number;
  brain: string;
  status: InstanceStatus;
  iteration: number;
  currentTask: string | null;
  cursor: number;
  lastActivity: string;
  lastTurn: { summary: string; tools: number; ms: number } | null;
  updatedAt: string;
}

/** Replaces the state file whole (tmp + rename): a reader never sees half of it. */
export async function writeStateFile(path: string, state: InstanceStateView): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
}
