import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TRIP_FARE_FEATURE_SET, TRIP_FARE_FEATURES, tripFareFeatures } from './trip-fare-features.ts';

const close = (a: number, b: number, name: string) => assert.ok(Math.abs(a - b) < 1e-4, `${name}: ${a} ≠ ${b}`);
const named = (v: Float64Array) => Object.fromEntries(TRIP_FARE_FEATURES.map((n, i) => [n, v[i]!]));

test('trip-fare@1 golden values: 10 metered miles due north in 30 min, Monday 08:00 EDT', () => {
  assert.equal(TRIP_FARE_FEATURE_SET, 'trip-fare@1');
  const pickup = Date.UTC(2025, 2, 10, 12); // Monday 08:00 EDT
  const f = named(
    tripFareFeatures({ pickup_ts: pickup, dropoff_ts: pickup + 30 * 60_000, pickup_lat: 40.7, pickup_lng: -74.0, dropoff_lat: 40.8, dropoff_lng: -74.0, trip_distance: 10, rate_code: 1, passenger_count: 2 }),
  );
  const straight = (6371.0088 * 0.1 * Math.PI) / 180 / 1.609344; // 6.90935 mi along a meridian
  close(f.trip_distance!, 10, 'trip_distance');
  close(f.duration_min!, 30, 'duration_min');
  close(f.straight_line_mi!, straight, 'straight_line_mi');
  close(f.straight_line_mi!, 6.90935, 'straight_line_mi');
  close(f.detour_ratio!, 10 / straight, 'detour_ratio');
  close(f.speed_mph!, 20, 'speed_mph');
  close(f.how_sin!, Math.sin((2 * Math.PI * 8) / 168), 'how_sin');
  close(f.how_cos!, Math.cos((2 * Math.PI * 8) / 168), 'how_cos');
  close(f.hour_sin!, Math.sin((2 * Math.PI) / 3), 'hour_sin');
  close(f.hour_cos!, -0.5, 'hour_cos');
  assert.deepEqual([f.weekend, f.pickup_airport, f.dropoff_airport, f.jfk_flat_rate, f.passenger_count], [0, 0, 0, 0, 2]);
  assert.deepEqual([f.pickup_lat, f.pickup_lng, f.dropoff_lat, f.dropoff_lng], [40.7, -74.0, 40.8, -74.0]);
});

test('degenerate trips stay finite: zero time, zero straight line; airports and weekend flagged', () => {
  const pickup = Date.UTC(2025, 2, 16, 15); // Sunday 11:00 EDT
  const out = new Float64Array(TRIP_FARE_FEATURES.length);
  const v = tripFareFeatures({ pickup_ts: pickup, dropoff_ts: pickup, pickup_lat: 40.6441, pickup_lng: -73.7822, dropoff_lat: 40.6441, dropoff_lng: -73.7822, trip_distance: 0.5, rate_code: 2, passenger_count: 0 }, out);
  assert.equal(v, out, 'writes into the given buffer');
  const f = named(v);
  close(f.detour_ratio!, 10, 'detour_ratio'); // 0.5 / 0.05 floor
  close(f.speed_mph!, 1800, 'speed_mph'); // 0.5 mi / 1 s floor
  assert.deepEqual([f.weekend, f.pickup_airport, f.dropoff_airport, f.jfk_flat_rate], [1, 1, 1, 1]);
  for (const x of v) assert.ok(Number.isFinite(x));
});
