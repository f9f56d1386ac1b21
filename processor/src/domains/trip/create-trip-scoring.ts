/**
 * The trip domain's scorers with their production settings, behind the interfaces the batch
 * core uses (trip-batch.ts): the per-trip scorer, the cell-demand scorer, and the alert
 * episodes that turn per-boundary verdicts into one alert per episode.
 */
import { CellAlertEpisodes } from './cell-alert-episodes.ts';
import { CellDemandScorer } from './cell-demand-scorer.ts';
import type { TripCellFeatureRow } from './trip-cell-features.ts';
import type { CellAlertPolicy, CellBoundaryScorer, CellVerdict, TripLevelScorer } from './trip-batch.ts';
import { TripScorer } from './trip-scorer.ts';

export const TRIP_DETECTOR = 'trip-fare@1';
export const DEMAND_DETECTOR = 'trip-demand@1';

export interface TripScoring {
  tripScorer: TripLevelScorer;
  cellScorer: CellBoundaryScorer;
  alertPolicy: CellAlertPolicy;
}

export function createTripScoring(): TripScoring {
  const trips = new TripScorer();
  const cells = new CellDemandScorer();
  return {
    tripScorer: {
      detector: TRIP_DETECTOR,
      score: (t, f, expected, fareScore) => trips.score(t, f, expected, fareScore),
      captureState: () => trips.captureState(),
      restoreState: (s) => trips.restoreState(s),
    },
    cellScorer: {
      detector: DEMAND_DETECTOR,
      scoreBoundary: (rows, ifScores) => cells.scoreBoundary(rows, ifScores),
      captureState: () => cells.captureState(),
      restoreState: (s) => cells.restoreState(s),
    },
    alertPolicy: episodeAlertPolicy(new CellAlertEpisodes()),
  };
}

/** Alert on the boundary where a cell's episode opens; the other rows are stored, not alerted. */
export function episodeAlertPolicy(episodes: CellAlertEpisodes): CellAlertPolicy {
  return {
    decide(rows: readonly TripCellFeatureRow[], verdicts: readonly CellVerdict[]): boolean[] {
      const events = episodes.update(rows.map((r, i) => ({ resolution: r.resolution, cell: r.cell, windowEnd: r.windowEnd, verdict: verdicts[i]! })));
      const opened = new Set(events.filter((e) => e.type === 'open').map((e) => `${e.episode.resolution}:${e.episode.cell}`));
      // Most boundaries open nothing: no key per row then.
      if (opened.size === 0) return new Array<boolean>(rows.length).fill(false);
      return rows.map((r) => opened.has(`${r.resolution}:${r.cell}`));
    },
    captureState: () => episodes.captureState(),
    restoreState: (s) => episodes.restoreState(s),
  };
}
