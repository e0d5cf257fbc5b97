import Database from 'libsql';
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

/** Locks held by this process: referenced from here so a collected connection can never release one early. */
const held = new Set<Database.Database>();

function describeHolder(pidFile: string): string {
  const holder = readPidFile(pidFile);
  return holder === null ? '' : ` (orchestrator pid ${holder})`;
}

/**
 * Takes the run directory for this orchestrator, or throws when another orchestrator holds it. The lock is an
 * exclusive SQLite transaction on `lockFile`: the operating system grants it to one process at a time and
 * releases it when that process dies, however it dies, so a lock left by a killed orchestrator needs no
 * takeover (a pid file alone cannot be taken over safely: two starters can both find it stale and both win).
 * The pid file is written once the lock is held, for `tachikoma stop` and for the message above.
 * Returns the release function.
 */
export function acquireRunLock(pidFile: string, lockFile: string): () => void {
  const lock = new Database(lockFile, { timeout: 0 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new Error(`a collective is already running in this run directory${describeHolder(pidFile)}; stop it with \`tachikoma stop\` or choose another --run-dir`);
    }
    throw error;
  }
  held.add(lock);
  writeFileSync(pidFile, `${process.pid}\n`);
  return () => {
    if (readPidFile(pidFile) === process.pid) rmSync(pidFile, { force: true });
    held.delete(lock);
    lock.close();
  };
}
