import { readFileSync } from 'node:fs';

/** A process's resident memory now and its peak (Linux /proc VmRSS, VmHWM), bytes; NaN elsewhere or once it is gone. */
export function procMemory(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** Sum of a Prometheus metric's samples whose labels contain every one of `labels` (e.g. `domain="sensor"`); NaN when none. */
export function metricSum(text: string, name: string, labels: readonly string[] = []): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name || !labels.every((l) => (m[2] ?? '').includes(l))) continue;
    sum += Number(m[3]);
    found = true;
  }
  return found ? sum : NaN;
}
