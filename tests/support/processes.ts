// Process-tree inspection through /proc (Linux): which processes a studio started, and whether
// they are still there. Read-only; nothing here signals a process.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  /** argv joined by spaces. */
  cmdline: string;
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

function cmdlineOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return null;
  }
}

/** Every living descendant of `root` (children, grandchildren, ...), zombies included. */
export function descendants(root: number): ProcessInfo[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const parent = parentOf(pid);
    if (parent === null) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: ProcessInfo[] = [];
  const todo = [...(children.get(root) ?? [])];
  while (todo.length > 0) {
    const pid = todo.shift()!;
    const cmdline = cmdlineOf(pid);
    if (cmdline === null) continue;
    found.push({ pid, cmdline });
    todo.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** The program encoder: the one ffmpeg that encodes with x264 into MPEG-TS. */
export function isProgramEncoder(process: ProcessInfo): boolean {
  return process.cmdline.includes('ffmpeg') && process.cmdline.includes('libx264') && process.cmdline.includes('mpegts');
}

/** Whether /proc/<pid> still exists (a zombie counts as existing until reaped). */
export function processExists(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}
