import { join, resolve } from 'node:path';

/** Every file a run directory holds, by purpose. */
export interface RunPaths {
  root: string;
  store: string;
  runFile: string;
  orchestratorPidFile: string;
  /** Held locked (by the operating system) while an orchestrator runs; the lock dies with its process. */
  orchestratorLockFile: string;
  logs: string;
  messagesView: string;
  memoryView: string;
  registryView: string;
  report: string;
  instanceLog: (instanceId: string) => string;
  instanceErrorLog: (instanceId: string) => string;
  instanceState: (instanceId: string) => string;
}

/** `.instance_1_state.json` for `instance_1`; `.instance_<id>_state.json` for any other id. */
export function instanceStateFileName(instanceId: string): string {
  return instanceId.startsWith('instance_') ? `.${instanceId}_state.json` : `.instance_${instanceId}_state.json`;
}

/** The layout of a run directory (ids are protocol ids, so they are safe in file names). */
export function runPaths(runDirectory: string): RunPaths {
  const root = resolve(runDirectory);
  const logs = join(root, 'logs');
  return {
    root,
    store: join(root, 'collective.db'),
    runFile: join(root, 'run.json'),
    orchestratorPidFile: join(root, 'orchestrator.pid'),
    orchestratorLockFile: join(root, 'orchestrator.lock'),
    logs,
    messagesView: join(root, '.shared_messages.json'),
    memoryView: join(root, '.shared_memory.json'),
    registryView: join(root, '.instance_registry.json'),
    report: join(root, 'report.md'),
    instanceLog: (instanceId) => join(logs, `${instanceId}.log`),
    instanceErrorLog: (instanceId) => join(logs, `${instanceId}.stderr.log`),
    instanceState: (instanceId) => join(root, instanceStateFileName(instanceId)),
  };
}
