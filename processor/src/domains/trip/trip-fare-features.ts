/**
 * The `trip-fare@1` feature vector of the expected-fare regressor: what the meter should
 * charge depends on distance, time, where and when — never on the fare, tip or total itself.
 * The residual |fare_amount − predicted| is the fare anomaly score. Computed here once for
 * live scoring, replays and training exports; names and order are versioned with the set name.
 */
import { airportAt, haversineKm, KM_PER_MILE, nycWallMs, type TripEvent } from '../../../../contracts/index.ts';

export const TRIP_FARE_FEATURE_SET = 'trip-fare@1';
export const TRIP_FARE_FEATURES = [
  'trip_distance',
  'duration_min',
  'straight_line_mi',
  'detour_ratio',
  'speed_mph',
  'pickup_lat',
  'pickup_lng',
  'dropoff_lat',
  'dropoff_lng',
  'how_sin',
  'how_cos',
  'hour_sin',
  'hour_cos',
  'weekend',
  'pickup_airport',
  'dropoff_airport',
  'jfk_flat_rate',
  'passenger_count',
] as const;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Straight lines shorter than this (miles) count as this: same-block trips would divide by ~0. */
const MIN_STRAIGHT_MI = 0.05;
/** Durations shorter than this (hours, 1 s) count as this: a zero-time trip has a huge, finite speed. */
const MIN_DURATION_H = 1 / 3600;

type FareInput = Pick<
  TripEvent,
  'pickup_ts' | 'dropoff_ts' | 'pickup_lat' | 'pickup_lng' | 'dropoff_lat' | 'dropoff_lng' | 'trip_distance' | 'rate_code' | 'passenger_count'
>;

/**
 * Features of one trip into `out` (allocates only when `out` is omitted). Time features are New
 * York local time of the pickup; hour of week starts Monday 00:00.
 */
export function tripFareFeatures(t: FareInput, out: Float64Array = new Float64Array(TRIP_FARE_FEATURES.length)): Float64Array {
  const durationH = (t.dropoff_ts - t.pickup_ts) / 3_600_000;
  const straight = haversineKm(t.pickup_lat, t.pickup_lng, t.dropoff_lat, t.dropoff_lng) / KM_PER_MILE;
  const wall = nycWallMs(t.pickup_ts);
  const dayIndex = Math.floor(wall / DAY_MS);
  const sinceMonday = ((((dayIndex + 3) % 7) + 7) % 7) * DAY_MS + (wall - dayIndex * DAY_MS);
  const week = (2 * Math.PI * sinceMonday) / WEEK_MS;
  const day = (2 * Math.PI * (wall - dayIndex * DAY_MS)) / DAY_MS;
  const dow = (((dayIndex + 4) % 7) + 7) % 7;
  out[0] = t.trip_distance;
  out[1] = durationH * 60;
  out[2] = straight;
  out[3] = t.trip_distance / Math.max(straight, MIN_STRAIGHT_MI);
  out[4] = t.trip_distance / Math.max(durationH, MIN_DURATION_H);
  out[5] = t.pickup_lat;
  out[6] = t.pickup_lng;
  out[7] = t.dropoff_lat;
  out[8] = t.dropoff_lng;
  out[9] = Math.sin(week);
  out[10] = Math.cos(week);
  out[11] = Math.sin(day);
  out[12] = Math.cos(day);
  out[13] = dow === 0 || dow === 6 ? 1 : 0;
  out[14] = airportAt(t.pickup_lat, t.pickup_lng) === null ? 0 : 1;
  out[15] = airportAt(t.dropoff_lat, t.dropoff_lng) === null ? 0 : 1;
  out[16] = t.rate_code === 2 ? 1 : 0;
  out[17] = t.passenger_count;
  return out;
}
