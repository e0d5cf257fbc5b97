import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Whether a process with this pid is alive: signal 0 probes without touching it; an exited, unreaped (zombie) process is not alive. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The pid recorded in a pid file, or null when there is none or it is unreadable. */
export function readPidFile(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the run directory for this orchestrator: fails if another live orchestrator holds it; a pid file
 * left by a killed one is taken over. Returns the release function.
 */
export function acquireRunLock(path: string): () => void {
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
      const holder = readPidFile(path);
      if (holder !== null && holder !== process.pid && processAlive(holder)) {
        throw new Error(`a collective is already running in this run directory (orchestrator pid ${holder}); stop it with \`tachikoma stop\` or choose another --run-dir`);
      }
      rmSync(path, { force: true });
    }
  }
  return () => {
    if (readPidFile(path) === process.pid) rmSync(path, { force: true });
  };
}
