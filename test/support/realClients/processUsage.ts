import { execFileSync } from 'child_process';
import * as fs from 'fs';

/** What a process has cost so far, read from /proc. */
export interface ProcessUsage {
  /** VmHWM: the peak resident set size. */
  peakRssBytes: number;
  /** utime + stime. */
  cpuSeconds: number;
  /** Of cpuSeconds, what it spent while watched (a seeder's check of its data before it is excluded). */
  cpuSecondsWhileWatched: number;
}

export interface ProcessWatch {
  /** Stops sampling; the figures of the last sample taken while the process lived. */
  stop(): ProcessUsage;
}

/** Clock ticks per second of /proc/<pid>/stat's times (100 on Linux almost everywhere). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** utime and stime are fields 14 and 15 of /proc/<pid>/stat; counted from field 3, the first after the command name. */
const UTIME_AFTER_NAME = 14 - 3;

/**
 * Samples a process's /proc figures every `everyMs` until stopped. The
 * figures of a process vanish when it exits, so what it cost at the end is
 * its last sample: CPU time is short by at most `everyMs` of work.
 */
export function watchProcess(pid: number, everyMs: number): ProcessWatch {
  let latest: ProcessUsage = { peakRssBytes: 0, cpuSeconds: 0, cpuSecondsWhileWatched: 0 };
  let cpuSecondsAtFirst: number | undefined;
  const sample = () => {
    const usage = readUsage(pid);
    if (!usage) return;
    cpuSecondsAtFirst ??= usage.cpuSeconds;
    latest = { ...usage, cpuSecondsWhileWatched: usage.cpuSeconds - cpuSecondsAtFirst };
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return latest;
    },
  };
}

/** The figures of `pid` now, or undefined once it is gone (a zombie has no memory figures left). */
function readUsage(pid: number): Omit<ProcessUsage, 'cpuSecondsWhileWatched'> | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const peakKib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    if (peakKib === undefined) return undefined;
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[UTIME_AFTER_NAME]) + Number(fields[UTIME_AFTER_NAME + 1]);
    return { peakRssBytes: Number(peakKib) * 1024, cpuSeconds: ticks / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}
