// CPU time of this process's threads, from /proc/self/task (Linux; null elsewhere). Node 20 names every thread "node",
// so a measured phase tells them apart by identity: the main thread (its id is the process id), the threads started
// since a given moment (worker threads), and the rest, V8's platform threads (concurrent TurboFan compilation, GC
// helpers) and libuv's pool.
import fs from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** CPU ticks (user + system) by thread id, or null where /proc/self/task cannot be read. */
export function threadTicks(): Map<string, number> | null {
  let ids: string[];
  try {
    ids = fs.readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  const ticks = new Map<string, number>();
  for (const id of ids) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${id}/stat`, 'latin1');
      // Fields after the name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(id, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The thread ended in between.
    }
  }
  return ticks;
}

export interface ThreadCpuMs {
  readonly main: number;
  /** Threads absent from `started` (the pool's workers, when it was taken before they started). */
  readonly workers: number;
  /** Every other thread: V8's platform threads and libuv's. */
  readonly other: number;
}

/** CPU ms per thread group between two readings; `started` is a reading from before the workers started. */
export function threadCpuMs(before: Map<string, number>, after: Map<string, number>, started: Map<string, number>): ThreadCpuMs {
  const ms = { main: 0, workers: 0, other: 0 };
  for (const [id, t] of after) {
    const spent = ((t - (before.get(id) ?? 0)) * 1000) / TICKS_PER_S;
    if (id === String(process.pid)) ms.main += spent;
    else if (!started.has(id)) ms.workers += spent;
    else ms.other += spent;
  }
  return ms;
}
