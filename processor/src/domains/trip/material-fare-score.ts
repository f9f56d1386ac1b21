/**
 * The expected-fare model's score, kept below the alarm unless the overcharge is material.
 *
 * The model's calibration is statistical (score 70 = the top 1 % of its training residuals),
 * and TLC fares are nearly deterministic, so the top 1 % of honest trips are a few percent off
 * — about 70 false alarms a day at the demo's volume. An operator acts on fares charged well
 * above what the meter rules give: at least `minShare` of the expected fare (floored at
 * `floorUsd`, so short trips are not judged on cents) and `minUsd` in money.
 */
export interface MaterialFareOptions {
  /** Smallest overcharge that may alarm, as a share of the expected fare. @default 0.25 */
  minShare: number;
  /** …and in USD. @default 2 */
  minUsd: number;
  /** Expected fares below this count as this for the share, USD. @default 5 */
  floorUsd: number;
  /** The alarm score the result is kept under. @default 70 */
  alarm: number;
}

export const DEFAULT_MATERIAL_FARE: Readonly<MaterialFareOptions> = Object.freeze({ minShare: 0.25, minUsd: 2, floorUsd: 5, alarm: 70 });

export function materialFareScore(actual: number, expected: number, modelScore: number, o: MaterialFareOptions = DEFAULT_MATERIAL_FARE): number {
  const over = actual - expected;
  const material = over >= o.minUsd && over / Math.max(expected, o.floorUsd) >= o.minShare;
  return material ? modelScore : Math.min(modelScore, o.alarm - 1e-6);
}
