import type { CellSeriesPoint } from '../../../../contracts/index.ts';

/**
 * A cell's series as the screen expects it, one point per boundary: quiet boundaries (no trip
 * in the hour, score 0) are not stored (trip-batch.ts, isQuietCellRow), so the gaps between
 * stored points become zeros again. `points` are oldest first; the newest `max` are kept.
 * Expectations of the filled points are unknown (null): they were not stored.
 */
export function fillQuietBoundaries(points: readonly CellSeriesPoint[], hopMs: number, max: number): CellSeriesPoint[] {
  const out: CellSeriesPoint[] = [];
  for (const p of points) {
    const prev = out[out.length - 1];
    if (prev) for (let t = prev.windowEnd + hopMs; t < p.windowEnd; t += hopMs) out.push({ windowEnd: t, pickups15m: 0, pickups60m: 0, dropoffs60m: 0, expected15m: null, score: 0 });
    out.push(p);
  }
  return out.length > max ? out.slice(out.length - max) : out;
}
