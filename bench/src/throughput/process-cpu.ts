import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream kernel build). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system, all threads: chDB's included) a process has used so far, from
 * /proc; undefined where there is no /proc. On a shared machine events per CPU-second is the
 * figure that other load moves least: wall-clock rates fall with every other busy process.
 */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), closed by its last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Thread groups of a processor: its JS thread, Node's other threads, and chDB's (named by ClickHouse). */
const GROUPS: [RegExp, string][] = [
  [/^ThreadPool$/, 'chDB query threads (ThreadPool)'],
  [/^MergeMutate$/, 'chDB merges (MergeMutate)'],
  [/^node$/, 'other Node threads (libuv pool that runs chDB calls, GC helpers, onnxruntime)'],
  [/./, 'chDB other background threads'],
];
export const MAIN_THREAD = 'main JS thread';

/** CPU seconds so far per thread group (see GROUPS), from /proc/<pid>/task; empty where there is no /proc. */
export function threadCpuSeconds(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const group = tid === String(pid) ? MAIN_THREAD : GROUPS.find(([re]) => re.test(name))![1];
      out[group] = (out[group] ?? 0) + (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** after − before per group, rounded to 0.1 s. */
export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, Number((v - (before[k] ?? 0)).toFixed(1))]));
}
