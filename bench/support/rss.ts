import { readFile } from 'node:fs/promises';

/** Resident set size of a process in MB, read from /proc so it is that process's alone (no children). */
export async function readRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the peak and the last sample. */
export function sampleRss(pid: number, intervalMs = 100) {
  let peak = 0;
  let last = 0;
  const tick = async () => {
    try {
      last = await readRssMb(pid);
      peak = Math.max(peak, last);
    } catch {
      // The process may be exiting; the samples taken so far stand.
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  return {
    async stop(): Promise<{ peakMb: number; lastMb: number }> {
      clearInterval(timer);
      await tick();
      return { peakMb: peak, lastMb: last };
    },
  };
}

/**
 * CPU time a process has used so far (user + system, ms), from /proc/<pid>/stat. Less noisy than
 * throughput on a shared machine: it counts what the process did, not how long it waited for a core.
 */
export async function readCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, inside parentheses): utime is 14th, stime 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;
