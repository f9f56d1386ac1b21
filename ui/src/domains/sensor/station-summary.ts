// What the station header says about the latest anomaly. Pure.
import type { Anomaly, Severity } from '../../../../contracts/index.ts';
import type { AnomalyPeriod } from '../../lib/anomaly-periods.ts';
import { formatDriverValue } from '../../lib/format.ts';

export interface LatestAnomalyInfo {
  /** Event time of the anomalous reading, epoch ms. */
  ts: number;
  severity: Severity;
  score: number;
  /** Channel or feature that drove it; empty when none was reported. */
  driver: string;
  /** The detector's reason, when the anomaly itself (not just its scored reading) is known. */
  reason: string | null;
  /** Observed against expected value, e.g. `5.12 bar, expected 3.40 bar`; empty when unknown. */
  detail: string;
}

/**
 * The newest of: the anomaly the processor reported (with its drivers' reasons) and the last
 * anomaly period of the window (named by the score's top feature only).
 */
export function latestAnomalyInfo(anomaly: Anomaly | null, periods: readonly AnomalyPeriod[]): LatestAnomalyInfo | null {
  const period = periods[periods.length - 1] ?? null;
  if (anomaly && (!period || anomaly.ts >= period.startTs)) {
    const top = anomaly.drivers[0];
    return {
      ts: anomaly.ts,
      severity: anomaly.severity,
      score: anomaly.score,
      driver: top?.feature ?? '',
      reason: top?.reason || null,
      detail: top ? formatDriverValue(top) : '',
    };
  }
  if (!period) return null;
  return { ts: period.peakTs, severity: period.severity, score: period.peakScore, driver: period.driver, reason: null, detail: '' };
}
