/** p50/p99/max of a set of latencies (ms), rounded; NaN when there are none. */
export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!) : NaN);
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.length ? Math.round(sorted[sorted.length - 1]!) : NaN };
}

/** "p50 12 ms, p99 40 ms, max 61 ms (n=300)" */
export function formatSummary(s: LatencySummary): string {
  return `p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, max ${s.maxMs} ms (n=${s.samples})`;
}
