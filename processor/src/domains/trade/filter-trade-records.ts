import type { TradeRecords } from './trade-batch.ts';

/** The part of a batch a replay of [from, to] (event time, inclusive) writes (dead letters: the live run has them). */
export function filterTradeRecordsToRange(r: TradeRecords, from: number, to: number): TradeRecords {
  const inRange = (x: { ts: number }) => x.ts >= from && x.ts <= to;
  return {
    declarations: r.declarations.filter(inRange),
    scores: r.scores.filter(inRange),
    anomalies: r.anomalies.filter(inRange),
    deadLetters: [],
    features: r.features.filter(inRange),
  };
}
