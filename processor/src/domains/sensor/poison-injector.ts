import type { ReadingScorer } from './detectors/reading-scorer.ts';

/** The injected detector failure (fault drills and tests). */
export class InjectedDetectorError extends Error {
  override name = 'InjectedDetectorError';
}

/**
 * Fault injection (env VIGIA_FAULT_POISON_STATION=<station>): the detector throws on every
 * reading of that station, as a detector bug triggered by one input would. The processor must
 * dead-letter those readings with the error and carry on with the rest.
 */
export function withPoisonStation(inner: ReadingScorer, station: string): ReadingScorer {
  return {
    score(s, ts, channels) {
      if (s === station) throw new InjectedDetectorError(`injected detector failure for station ${station}`);
      return inner.score(s, ts, channels);
    },
    snapshot: () => inner.snapshot(),
    restore: (snap) => inner.restore(snap),
    snapshotParts: inner.snapshotParts?.bind(inner),
    stationBytes: inner.stationBytes?.bind(inner),
    evictStation: inner.evictStation?.bind(inner),
    reviveStation: inner.reviveStation?.bind(inner),
  };
}
