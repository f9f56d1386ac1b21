import type { SensorBatchResult } from './sensor-batch.ts';

/**
 * The part of a scored batch that a replay of [from, to] (event time, inclusive) writes: the
 * events, scores, features and anomalies in the range and the windows that start in it. Dead
 * letters are not repeated: the live run already reported them.
 */
export function filterRowsToRange(result: SensorBatchResult, from: number, to: number): SensorBatchResult {
  const inRange = (ts: number) => ts >= from && ts <= to;
  const r = result.rows;
  return {
    ...result,
    anomalies: result.anomalies.filter((a) => inRange(a.ts)),
    deadLetters: [],
    rows: {
      events: r.events.filter((e) => inRange(e.ts)),
      scores: r.scores.filter((s) => inRange(s.ts)),
      anomalies: r.anomalies.filter((a) => inRange(a.ts)),
      features: r.features.filter((f) => inRange(f.ts)),
      windows: r.windows.filter((w) => inRange(w.window_start)),
      deadLetters: [],
    },
  };
}
