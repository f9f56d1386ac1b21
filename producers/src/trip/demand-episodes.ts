// Demand episodes (surges at venues, collapses at closures), planned per UTC day from the seed
// alone: a benchmark can list them for any range without running the simulation, and judge
// detection per cell × window instead of per trip.
import { gridDisk, latLngToCell } from 'h3-js';
import { NYC_HOT_SPOTS } from './hot-spots.ts';
import { poisson, TripStream, tripRng } from './trip-rng.ts';

export interface DemandEpisode {
  /** Ground-truth id carried by the episode's trips. */
  faultId: string;
  kind: 'surge' | 'collapse';
  /** Where it was planned (venue or hot spot name). */
  place: string;
  /** Centre cell of the episode. */
  cell: string;
  /** H3 resolution of `cell` (always 9). */
  resolution: number;
  /** Ring radius: the affected cells are gridDisk(cell, k). */
  k: number;
  /** The affected cells, gridDisk(cell, k) (centre first). */
  cells: string[];
  /** Event-time range of the affected pickups, epoch ms [startTs, endTs). */
  startTs: number;
  endTs: number;
  /** Surge: extra pickups per minute as a share of the city-wide rate (the simulation adds at least 0.4/min). */
  intensity: number;
  /** Collapse: share of the area's normal pickups that still happen. */
  keepFraction: number;
}

export interface DemandEpisodePlan {
  /** PRNG seed of the simulation. */
  seed: number;
  /** Expected episodes per simulated UTC day (half surges, half collapses). @default 2 */
  episodesPerDay?: number;
  /**
   * Normal pickups per minute in a collapse's cells over its span (areaPickupsPerMinute). With
   * `minCollapsePerMinute`, a closure planned where and when there is too little demand to miss
   * is moved (up to COLLAPSE_REDRAWS new places and starts) or dropped: a place that loses 3
   * pickups in an hour is indistinguishable from chance, and no label should claim otherwise.
   */
  collapseRate?: (cells: readonly string[], startTs: number, endTs: number) => number;
  /** Least normal pickups per minute a closure must take away (the surge floor's mirror). @default 0 */
  minCollapsePerMinute?: number;
}

/** New places and starts tried for a closure too quiet to see before it is dropped. */
export const COLLAPSE_REDRAWS = 16;

/** Event venues where surges happen (crowds leaving a game, a concert, a convention). */
export const NYC_VENUES = [
  { name: 'Madison Square Garden', lat: 40.7505, lng: -73.9934 },
  { name: 'Barclays Center', lat: 40.6826, lng: -73.9754 },
  { name: 'Javits Center', lat: 40.7576, lng: -74.0023 },
  { name: 'Lincoln Center', lat: 40.7725, lng: -73.9835 },
  { name: 'Radio City Music Hall', lat: 40.76, lng: -73.98 },
  { name: 'Yankee Stadium', lat: 40.8296, lng: -73.9262 },
  { name: 'Citi Field', lat: 40.7571, lng: -73.8458 },
  { name: 'Brooklyn Steel', lat: 40.719, lng: -73.939 },
] as const;

export const EPISODE_RESOLUTION = 9;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Longest episode, ms (collapses last up to 120 min). */
export const MAX_EPISODE_MS = 120 * MINUTE_MS;

/** Episodes planned for one UTC day (index = floor(ts / 1 day)); may run past midnight. */
export function planDemandDay(plan: DemandEpisodePlan, day: number): DemandEpisode[] {
  const perDay = plan.episodesPerDay ?? 2;
  if (!(perDay > 0)) return [];
  const rng = tripRng(plan.seed, TripStream.episodes, day);
  const n = poisson(rng, perDay);
  const out: DemandEpisode[] = [];
  for (let i = 0; i < n; i++) {
    const surge = rng.next() < 0.5;
    const start = day * DAY_MS + Math.floor(rng.next() * 1440) * MINUTE_MS;
    const minutes = surge ? 30 + Math.floor(rng.next() * 61) : 45 + Math.floor(rng.next() * 76);
    const place = surge ? NYC_VENUES[Math.floor(rng.next() * NYC_VENUES.length)]! : NYC_HOT_SPOTS[Math.floor(rng.next() * NYC_HOT_SPOTS.length)]!;
    const k = surge ? (rng.next() < 0.5 ? 0 : 1) : 1;
    const intensity = 0.02 + 0.04 * rng.next();
    let where: { name: string; lat: number; lng: number } = place;
    let startTs = start;
    if (!surge && plan.collapseRate && (plan.minCollapsePerMinute ?? 0) > 0) {
      // Redraws come from their own stream: the day's other episodes stay as they were.
      const redraw = tripRng(plan.seed, TripStream.episodes, day, 1 + i);
      let tries = 0;
      const quiet = () => plan.collapseRate!(gridDisk(latLngToCell(where.lat, where.lng, EPISODE_RESOLUTION), k), startTs, startTs + minutes * MINUTE_MS) < plan.minCollapsePerMinute!;
      while (tries <= COLLAPSE_REDRAWS && quiet()) {
        tries++;
        where = NYC_HOT_SPOTS[Math.floor(redraw.next() * NYC_HOT_SPOTS.length)]!;
        startTs = day * DAY_MS + Math.floor(redraw.next() * 1440) * MINUTE_MS;
      }
      if (tries > COLLAPSE_REDRAWS) continue;
    }
    const cell = latLngToCell(where.lat, where.lng, EPISODE_RESOLUTION);
    out.push({
      faultId: `trip-${surge ? 'surge' : 'collapse'}-${plan.seed}-${day}-${i}`,
      kind: surge ? 'surge' : 'collapse',
      place: where.name,
      cell,
      resolution: EPISODE_RESOLUTION,
      k,
      cells: gridDisk(cell, k),
      startTs,
      endTs: startTs + minutes * MINUTE_MS,
      intensity: surge ? intensity : 0,
      keepFraction: surge ? 1 : 0.05,
    });
  }
  return out;
}

/** Every episode overlapping [fromTs, untilTs), ordered by start then id. */
export function listDemandEpisodes(plan: DemandEpisodePlan, fromTs: number, untilTs: number): DemandEpisode[] {
  const out: DemandEpisode[] = [];
  for (let day = Math.floor((fromTs - MAX_EPISODE_MS) / DAY_MS); day * DAY_MS < untilTs; day++) {
    for (const e of planDemandDay(plan, day)) if (e.endTs > fromTs && e.startTs < untilTs) out.push(e);
  }
  return out.sort((a, b) => a.startTs - b.startTs || (a.faultId < b.faultId ? -1 : 1));
}
