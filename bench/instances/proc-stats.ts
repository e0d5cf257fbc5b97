/**
 * Readers of Linux /proc for one process: resident memory and consumed CPU time. Every figure comes from text
 * another process's kernel entry wrote, so it is parsed with zod, never trusted as-is.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const kilobytesSchema = z.coerce.number().int().nonnegative();
const ticksSchema = z.coerce.number().int().nonnegative();
const clockTicksSchema = z.coerce.number().int().positive();

/** Clock ticks per second that /proc/<pid>/stat counts in (`getconf CLK_TCK`; 100 if it cannot be asked). */
export function clockTicksPerSecond(): number {
  try {
    const parsed = clockTicksSchema.safeParse(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return parsed.success ? parsed.data : 100;
  } catch {
    return 100;
  }
}

function readProcText(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** A `Name:   1234 kB` field of a /proc key-value file, in kB; null when the process or the field is gone. */
function kilobytesField(text: string | null, field: string): number | null {
  if (text === null) return null;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${field}:`));
  const match = line === undefined ? null : /^\S+:\s+(\d+)\s+kB$/.exec(line.trim());
  if (match === null) return null;
  const parsed = kilobytesSchema.safeParse(match[1]);
  return parsed.success ? parsed.data : null;
}

/** Resident set size (VmRSS) of `pid` in kB: private pages plus every shared page it maps (node binary, libs). */
export function readRssKb(pid: number): number | null {
  return kilobytesField(readProcText(pid, 'status'), 'VmRSS');
}

/**
 * Proportional set size of `pid` in kB (/proc/<pid>/smaps_rollup): shared pages divided among the processes
 * sharing them, so summing it over processes gives the memory they really take together.
 */
export function readPssKb(pid: number): number | null {
  return kilobytesField(readProcText(pid, 'smaps_rollup'), 'Pss');
}

/** Private (not shared with any other process) resident memory of `pid` in kB, from smaps_rollup. */
export function readPrivateKb(pid: number): number | null {
  const text = readProcText(pid, 'smaps_rollup');
  const clean = kilobytesField(text, 'Private_Clean');
  const dirty = kilobytesField(text, 'Private_Dirty');
  return clean === null || dirty === null ? null : clean + dirty;
}

/** What /proc/<pid>/stat says about a process: its state letter and user + system CPU ticks so far. */
export interface ProcessCpu {
  state: string;
  ticks: number;
}

/** Reads /proc/<pid>/stat; null when the process is gone. */
export function readProcessCpu(pid: number): ProcessCpu | null {
  const text = readProcText(pid, 'stat');
  if (text === null) return null;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
  const state = fields[0];
  const user = ticksSchema.safeParse(fields[11]);
  const system = ticksSchema.safeParse(fields[12]);
  if (state === undefined || !user.success || !system.success) return null;
  return { state, ticks: user.data + system.data };
}

/** True while `pid` exists and is not a zombie (an exited child its parent has not reaped yet). */
export function processRunning(pid: number): boolean {
  const cpu = readProcessCpu(pid);
  return cpu !== null && cpu.state !== 'Z' && cpu.state !== 'X';
}

const percentSchema = z.coerce.number().nonnegative();

/**
 * CPU pressure (/proc/pressure/cpu, `some avg10`): the share of the last 10 s in which some runnable task
 * waited for a core. Near 0 on a quiet box; high when other work competes for the cores. Null without PSI.
 */
export function readCpuPressure(): number | null {
  try {
    const match = /^some avg10=(\S+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    const parsed = percentSchema.safeParse(match?.[1]);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Megabytes (MiB) from kilobytes (KiB), as /proc reports them. */
export function kilobytesToMegabytes(kilobytes: number): number {
  return kilobytes / 1024;
}
