// CPU and memory of the studio process and its children (ffmpeg encoder, decoders, senders), for
// the stats panel. Linux reads /proc; elsewhere only the studio's own figures are known.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { UsageStats } from '../../../shared/stats.ts';

/** USER_HZ: /proc/<pid>/stat counts CPU time in these ticks; 100 on every Linux we ship to. */
const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_SIZE = 4096;

export interface ProcessSample {
  pid: number;
  name: string;
  cpuSeconds: number;
  rssBytes: number;
}

/** What one sample reports (the stats event's `usage`). */
export type UsageFigures = UsageStats;

/** /proc/<pid>/stat: "pid (comm) state ppid ... utime(14) stime(15) ... rss(24)". */
export function parseProcStat(text: string): { pid: number; name: string; ppid: number; cpuTicks: number; rssPages: number } | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is state (field 3); field n is fields[n - 3].
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rss = Number(fields[21]);
  if (![ppid, utime, stime, rss].every(Number.isFinite)) return null;
  return { pid: Number(text.slice(0, open).trim()), name: text.slice(open + 1, close), ppid, cpuTicks: utime + stime, rssPages: rss };
}

function childrenOf(parent: number): ProcessSample[] {
  if (process.platform !== 'linux') return [];
  const samples: ProcessSample[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: ReturnType<typeof parseProcStat>;
    try {
      stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
    } catch {
      continue; // exited meanwhile
    }
    if (stat && stat.ppid === parent) {
      samples.push({ pid: stat.pid, name: stat.name, cpuSeconds: stat.cpuTicks / CLOCK_TICKS_PER_SECOND, rssBytes: stat.rssPages * PAGE_SIZE });
    }
  }
  return samples;
}

/** Call sample() about once a second; each call reports usage since the previous one. */
export class ProcessUsageSampler {
  #lastAt = process.hrtime.bigint();
  #lastHostCpu = process.cpuUsage();
  #lastChildCpu = new Map<number, number>();

  sample(): UsageFigures {
    const now = process.hrtime.bigint();
    const elapsedSeconds = Math.max(1e-3, Number(now - this.#lastAt) / 1e9);
    this.#lastAt = now;
    const hostCpu = process.cpuUsage(this.#lastHostCpu);
    this.#lastHostCpu = process.cpuUsage();
    const hostCpuPercent = ((hostCpu.user + hostCpu.system) / 1e6 / elapsedSeconds) * 100;

    const children = childrenOf(process.pid).map((child) => {
      const previous = this.#lastChildCpu.get(child.pid);
      const cpuPercent = previous === undefined ? 0 : (Math.max(0, child.cpuSeconds - previous) / elapsedSeconds) * 100;
      return { pid: child.pid, name: child.name, cpuPercent, rssBytes: child.rssBytes, cpuSeconds: child.cpuSeconds };
    });
    this.#lastChildCpu = new Map(children.map((child) => [child.pid, child.cpuSeconds]));
    return {
      hostCpuPercent,
      hostRssBytes: process.memoryUsage.rss(),
      childrenCpuPercent: children.reduce((sum, child) => sum + child.cpuPercent, 0),
      childrenRssBytes: children.reduce((sum, child) => sum + child.rssBytes, 0),
      children: children.map(({ pid, name, cpuPercent, rssBytes }) => ({ pid, name, cpuPercent, rssBytes })),
      cores: os.availableParallelism(),
      systemMemoryBytes: os.totalmem(),
    };
  }
}
