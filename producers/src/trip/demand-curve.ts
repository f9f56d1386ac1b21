// City-wide expected trips per half hour at an event time: the real series when one is given
// and covers the time, otherwise the committed weekly shape at the series' (or NAB's) mean level.
import { nycHalfHourOfWeek } from '../../../contracts/index.ts';
import { DEMAND_SLOT_MS, type DemandPoint } from './demand-point.ts';
import { NYC_TAXI_MEAN_HALF_HOUR_COUNT, NYC_WEEKLY_SHAPE } from './nyc-weekly-shape.ts';

export interface DemandCurve {
  /** Expected city-wide trips in the half hour holding simulated time `ts` (before `scale`). */
  countAt(ts: number): number;
}

export class DemandSeriesError extends Error {
  override name = 'DemandSeriesError';
  constructor(
    readonly index: number,
    reason: string,
  ) {
    super(`demand series point ${index}: ${reason}`);
  }
}

const WEEK_MS = 7 * 86_400_000;

/**
 * `series` is read at `ts − timeShiftMs`, so a 2014 series can drive a simulation of today
 * (use `weekAlignedShift` to keep weekdays aligned). Times outside the series fall back to the
 * weekly shape scaled to the series' mean.
 */
export function createDemandCurve(series: readonly DemandPoint[] | undefined, timeShiftMs = 0): DemandCurve {
  if (!series || series.length === 0) {
    return { countAt: (ts) => NYC_WEEKLY_SHAPE[nycHalfHourOfWeek(ts - timeShiftMs)]! * NYC_TAXI_MEAN_HALF_HOUR_COUNT };
  }
  let sum = 0;
  for (let i = 0; i < series.length; i++) {
    const p = series[i]!;
    if (!Number.isFinite(p.ts) || !(p.count >= 0) || !Number.isFinite(p.count)) throw new DemandSeriesError(i, 'ts and count must be finite, count ≥ 0');
    if (i > 0 && p.ts <= series[i - 1]!.ts) throw new DemandSeriesError(i, 'timestamps must be strictly increasing');
    sum += p.count;
  }
  const mean = sum / series.length;
  const first = series[0]!.ts;
  const end = series[series.length - 1]!.ts + DEMAND_SLOT_MS;
  return {
    countAt(ts) {
      const t = ts - timeShiftMs;
      if (t < first || t >= end) return NYC_WEEKLY_SHAPE[nycHalfHourOfWeek(t)]! * mean;
      // Binary search for the last point at or before t.
      let lo = 0;
      let hi = series.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (series[mid]!.ts <= t) lo = mid;
        else hi = mid - 1;
      }
      return series[lo]!.count;
    },
  };
}

/** A shift (whole weeks) that maps `seriesStartTs` to the week holding `targetTs`, weekdays aligned. */
export function weekAlignedShift(seriesStartTs: number, targetTs: number): number {
  return Math.floor((targetTs - seriesStartTs) / WEEK_MS) * WEEK_MS;
}
