// The selected cell's recent series: stored points from the series API, then one point per
// live boundary (which carries the cell's 15-minute pickups, expectation and score), merged by
// window end and trimmed to a time span. Chart columns are built from it. Pure.
import type { CellSeriesPoint, LiveCellBoundary, Severity } from '../../../../contracts/index.ts';
import { severityOf } from '../../../../contracts/index.ts';
import { findAnomalyPeriods, type AnomalyPeriod } from '../../lib/anomaly-periods.ts';

/** What the panel charts of one window end. */
export interface CellChartPoint {
  windowEnd: number;
  pickups15m: number;
  expected15m: number | null;
  score: number;
}

export interface CellChartData {
  /** Window ends, epoch ms, ascending. */
  xs: number[];
  pickups: number[];
  expected: Array<number | null>;
  scores: number[];
  severities: Array<Severity | null>;
  /** Runs of anomalous window ends, shaded on the charts like a station's anomaly periods. */
  periods: AnomalyPeriod[];
}

export const EMPTY_CELL_CHART: CellChartData = { xs: [], pickups: [], expected: [], scores: [], severities: [], periods: [] };

export const fromSeriesPoint = (p: CellSeriesPoint): CellChartPoint => ({ windowEnd: p.windowEnd, pickups15m: p.pickups15m, expected15m: p.expected15m, score: p.score });

/** The cell's point in a live boundary, or null when the boundary does not list it. */
export function pointFromBoundary(b: LiveCellBoundary, cell: string): CellChartPoint | null {
  const c = b.cells.find((x) => x.cell === cell);
  return c ? { windowEnd: b.windowEnd, pickups15m: c.pickups, expected15m: c.expected, score: c.score } : null;
}

/**
 * `held` and `incoming` as one ascending series, one point per window end (incoming wins),
 * without points older than `spanMs` before the newest. Returns `held` when nothing changed.
 */
export function mergeCellSeries(held: readonly CellChartPoint[], incoming: readonly CellChartPoint[], spanMs: number): readonly CellChartPoint[] {
  if (!incoming.length) return held;
  const byEnd = new Map<number, CellChartPoint>();
  for (const p of held) byEnd.set(p.windowEnd, p);
  for (const p of incoming) if (Number.isFinite(p.windowEnd)) byEnd.set(p.windowEnd, p);
  const sorted = [...byEnd.values()].sort((a, b) => a.windowEnd - b.windowEnd);
  const newest = sorted.at(-1)?.windowEnd ?? 0;
  return sorted.filter((p) => p.windowEnd >= newest - spanMs);
}

export function buildCellChart(points: readonly CellChartPoint[]): CellChartData {
  const severities = points.map((p) => severityOf(p.score));
  return {
    xs: points.map((p) => p.windowEnd),
    pickups: points.map((p) => p.pickups15m),
    expected: points.map((p) => p.expected15m),
    scores: points.map((p) => p.score),
    severities,
    periods: findAnomalyPeriods(points.map((p, i) => ({ ts: p.windowEnd, score: p.score, severity: severities[i]!, topFeature: '' }))),
  };
}
