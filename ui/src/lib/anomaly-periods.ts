// Anomaly periods of a station: contiguous runs of readings that scored as anomalies, which the
// station charts shade. Pure: points in, runs out.
import { SEVERITIES, type Severity } from '../../../contracts/index.ts';

/** The fields of a scored reading a period is built from. */
export interface PeriodPoint {
  ts: number;
  score: number;
  severity: Severity | null;
  topFeature: string;
}

export interface AnomalyPeriod {
  /** Indexes of the first and last anomalous reading in the input, inclusive. */
  startIndex: number;
  endIndex: number;
  /** Event times of the first and last anomalous reading, epoch ms. */
  startTs: number;
  endTs: number;
  /**
   * The span to shade, epoch ms: halfway to the neighbouring readings, so that a run of one
   * reading still has a width and two runs never overlap.
   */
  fromTs: number;
  toTs: number;
  /** Worst severity in the run. */
  severity: Severity;
  /** Highest score in the run and its event time. */
  peakScore: number;
  peakTs: number;
  /** `topFeature` of the highest-scoring reading: the channel (or relation) that drove the run. */
  driver: string;
  readings: number;
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** The worse of two severities. */
export function worseSeverity(a: Severity, b: Severity): Severity {
  return rank(b) > rank(a) ? b : a;
}

/** Runs of consecutive readings with a severity, in input order (expects readings oldest first). */
export function findAnomalyPeriods(points: readonly PeriodPoint[]): AnomalyPeriod[] {
  const periods: AnomalyPeriod[] = [];
  let open: AnomalyPeriod | null = null;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.severity === null) {
      if (open) periods.push(close(open, points));
      open = null;
      continue;
    }
    if (!open) {
      open = {
        startIndex: i,
        endIndex: i,
        startTs: p.ts,
        endTs: p.ts,
        fromTs: p.ts,
        toTs: p.ts,
        severity: p.severity,
        peakScore: p.score,
        peakTs: p.ts,
        driver: p.topFeature,
        readings: 0,
      };
    }
    open.endIndex = i;
    open.endTs = p.ts;
    open.readings++;
    open.severity = worseSeverity(open.severity, p.severity);
    if (p.score > open.peakScore) {
      open.peakScore = p.score;
      open.peakTs = p.ts;
      open.driver = p.topFeature;
    }
  }
  if (open) periods.push(close(open, points));
  return periods;
}

function close(period: AnomalyPeriod, points: readonly PeriodPoint[]): AnomalyPeriod {
  const before = points[period.startIndex - 1]?.ts;
  const after = points[period.endIndex + 1]?.ts;
  // At either end of the data, mirror the gap on the other side (or give no width at all).
  const leftGap = before !== undefined ? period.startTs - before : after !== undefined ? after - period.endTs : 0;
  const rightGap = after !== undefined ? after - period.endTs : leftGap;
  return { ...period, fromTs: period.startTs - leftGap / 2, toTs: period.endTs + rightGap / 2 };
}

/**
 * The channels a driver names, among `channels`: a channel itself, or both sides of a relation
 * (`pressure~flow`) or joint deviation (`pressure+flow`). Other features name no channel.
 */
export function driverChannels(driver: string, channels: readonly string[]): string[] {
  if (!driver) return [];
  const parts = new Set(driver.split(/[~+]/));
  return channels.filter((c) => parts.has(c));
}
