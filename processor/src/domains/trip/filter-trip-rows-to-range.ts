import type { TripBatchResult } from './trip-batch.ts';

/**
 * The part of a scored trip batch that a replay of [from, to] (event time, inclusive) writes:
 * trips whose dropoff is in the range (their event, score and fare features), cell windows
 * and their feature vectors whose window ends in it, and the anomalies of both. Dead letters
 * are not repeated (the live run reported them) and the map's boundaries are not replayed.
 */
export function filterTripRowsToRange(result: TripBatchResult, from: number, to: number): TripBatchResult {
  const inRange = (ts: number) => ts >= from && ts <= to;
  const r = result.rows;
  return {
    ...result,
    anomalies: result.anomalies.filter((a) => inRange(a.ts)),
    deadLetters: [],
    boundaries: [],
    rows: {
      events: r.events.filter((e) => inRange(e.ts)),
      scores: r.scores.filter((s) => inRange(s.ts)),
      cellWindows: r.cellWindows.filter((w) => inRange(w.window_end)),
      anomalies: r.anomalies.filter((a) => inRange(a.ts)),
      features: r.features.filter((f) => inRange(f.ts)),
      deadLetters: [],
    },
  };
}
