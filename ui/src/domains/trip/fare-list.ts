// The fare-anomaly list: rows from the HTTP API (complete: expected fare, distance, duration)
// and rows made from live `anomaly` events of the fare detector, which carry what the detector
// put in `values` and may lack some of it until the API is asked again. One row per trip,
// newest first, capped. Pure.
import { latLngToCell } from 'h3-js';
import type { Anomaly, FareAnomaly } from '../../../../contracts/index.ts';
import { TRIP_DOMAIN } from './name.ts';

/** A row of the list; `source: 'live'` rows are replaced by the API's row for the same trip. */
export type FareRow = FareAnomaly & { source: 'api' | 'live' };

export const DEFAULT_FARE_ROWS = 100;

/** Detector name prefixes of the trip domain's two scorers. */
export const FARE_DETECTOR_PREFIX = 'trip-fare';
export const DEMAND_DETECTOR_PREFIX = 'trip-demand';

export const isFareAnomaly = (a: Anomaly) => a.domain === TRIP_DOMAIN && a.detector.startsWith(FARE_DETECTOR_PREFIX);
export const isDemandAnomaly = (a: Anomaly) => a.domain === TRIP_DOMAIN && a.detector.startsWith(DEMAND_DETECTOR_PREFIX);

// Names the fare scorer may use in `values` for the numbers the list shows, most likely first
// (TLC field names and trip-fare@1 feature names, as the processor's trip batch writes them).
const FARE_KEYS = ['fare_amount', 'fare'];
const EXPECTED_KEYS = ['expected_fare', 'expectedFare', 'fare_expected'];
const DISTANCE_KEYS = ['trip_distance', 'distance', 'distance_mi'];
const DURATION_KEYS = ['duration_min', 'durationMin'];
const H3_CELL = /^8[0-9a-f]{14}$/;
/** Resolution of `FareAnomaly.pickupCell` (the trip_scores table keeps resolution 8). */
export const FARE_PICKUP_RESOLUTION = 8;

function pick(values: Readonly<Record<string, number>>, keys: readonly string[]): number | null {
  for (const k of keys) {
    const v = values[k];
    if (v != null && Number.isFinite(v)) return v;
  }
  return null;
}

/**
 * The list row of a live fare anomaly, or null when it is not one or carries no fare. The
 * expected fare comes from `values` or, failing that, from the fare driver's `expected`.
 */
export function fareRowFromAnomaly(a: Anomaly): FareRow | null {
  if (!isFareAnomaly(a)) return null;
  const fare = pick(a.values, FARE_KEYS);
  if (fare === null) return null;
  const top = a.drivers[0];
  const fareDriver = a.drivers.find((d) => d.expected != null && /fare/.test(d.feature) && !/per_mile/.test(d.feature));
  const expected = pick(a.values, EXPECTED_KEYS) ?? (fareDriver && fareDriver.value === fare ? fareDriver.expected : null);
  return {
    source: 'live',
    tripId: a.eventId,
    ts: a.ts,
    score: a.score,
    severity: a.severity,
    driver: top?.feature ?? '',
    reason: top?.reason ?? '',
    fare,
    expectedFare: expected,
    distance: pick(a.values, DISTANCE_KEYS) ?? Number.NaN,
    durationMin: pick(a.values, DURATION_KEYS) ?? Number.NaN,
    pickupCell: pickupCellOf(a),
  };
}

function pickupCellOf(a: Anomaly): string {
  const lat = a.values.pickup_lat;
  const lng = a.values.pickup_lng;
  if (lat != null && lng != null && Number.isFinite(lat) && Number.isFinite(lng)) return latLngToCell(lat, lng, FARE_PICKUP_RESOLUTION);
  return H3_CELL.test(a.entity) ? a.entity : '';
}

export const fareRowFromApi = (f: FareAnomaly): FareRow => ({ ...f, source: 'api' });

/**
 * `current` with `incoming` merged: one row per trip id (the API's row beats a live one, and
 * otherwise the later arrival wins), newest event time first (ties by trip id), at most `max`
 * rows. Returns `current` itself when nothing changed.
 */
export function mergeFareRows(current: readonly FareRow[], incoming: readonly FareRow[], max = DEFAULT_FARE_ROWS): readonly FareRow[] {
  if (!incoming.length) return current;
  const byTrip = new Map<string, FareRow>();
  for (const r of current) byTrip.set(r.tripId, r);
  let changed = false;
  for (const r of incoming) {
    const held = byTrip.get(r.tripId);
    if (held && held.source === 'api' && r.source === 'live') continue;
    byTrip.set(r.tripId, r);
    changed = true;
  }
  if (!changed) return current;
  const rows = [...byTrip.values()].sort((a, b) => b.ts - a.ts || (a.tripId < b.tripId ? -1 : a.tripId > b.tripId ? 1 : 0));
  return rows.slice(0, Math.max(0, max));
}

/** True while some row has been seen only live, so asking the API again would complete it. */
export const hasLiveOnlyRows = (rows: readonly FareRow[]) => rows.some((r) => r.source === 'live');
