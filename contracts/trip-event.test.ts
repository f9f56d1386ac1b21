import assert from 'node:assert/strict';
import { test } from 'node:test';
import { airportAt, haversineKm, nycHalfHourOfWeek, nycHourOfWeek, nycUtcOffsetMs, TripEvent } from './trip-event.ts';

const valid = {
  id: 'trip-1',
  vendor: 2,
  pickup_ts: Date.UTC(2025, 2, 4, 14, 0),
  dropoff_ts: Date.UTC(2025, 2, 4, 14, 12),
  pickup_lat: 40.7549,
  pickup_lng: -73.984,
  dropoff_lat: 40.7128,
  dropoff_lng: -74.006,
  passenger_count: 1,
  trip_distance: 3.4,
  rate_code: 1,
  payment_type: 1,
  fare_amount: 19.1,
  extra: 0,
  mta_tax: 0.5,
  tip_amount: 4.0,
  tolls_amount: 0,
  improvement_surcharge: 1,
  congestion_surcharge: 2.5,
  airport_fee: 0,
  cbd_congestion_fee: 0.75,
  total_amount: 27.85,
  truth: null,
};

function issues(patch: Record<string, unknown>): { path: string; message: string }[] {
  const r = TripEvent.safeParse({ ...valid, ...patch });
  assert.equal(r.success, false, 'expected a rejection');
  return r.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

test('a well-formed TLC-like record parses', () => {
  assert.equal(TripEvent.parse(valid).id, 'trip-1');
  assert.equal(TripEvent.parse({ ...valid, truth: { kind: 'overcharge', faultId: 'f-1' } }).truth?.kind, 'overcharge');
});

test('dropoff before pickup is rejected, naming dropoff_ts', () => {
  const [i] = issues({ dropoff_ts: valid.pickup_ts - 1 });
  assert.equal(i!.path, 'dropoff_ts');
  assert.match(i!.message, /before pickup_ts/);
});

test('negative distance and money are rejected, naming the field', () => {
  assert.deepEqual(issues({ trip_distance: -0.1 }).map((i) => i.path), ['trip_distance']);
  assert.match(issues({ fare_amount: -5 })[0]!.message, /fare_amount must be ≥ 0/);
  assert.equal(issues({ tip_amount: -1 })[0]!.path, 'tip_amount');
});

test('coordinates outside the NYC box are rejected, naming the field', () => {
  const i = issues({ pickup_lat: 0, dropoff_lng: -118.2 });
  assert.deepEqual(i.map((x) => x.path).sort(), ['dropoff_lng', 'pickup_lat']);
  assert.match(i[0]!.message, /NYC region/);
});

test('a total that is not the sum of its parts is rejected; cent rounding is tolerated', () => {
  const [i] = issues({ total_amount: 30 });
  assert.equal(i!.path, 'total_amount');
  assert.match(i!.message, /not the sum of its parts \(27\.85/);
  assert.equal(TripEvent.safeParse({ ...valid, total_amount: 27.86 }).success, true);
});

test('unknown TLC codes are rejected', () => {
  assert.equal(issues({ payment_type: 7 })[0]!.path, 'payment_type');
  assert.equal(issues({ rate_code: 7 })[0]!.path, 'rate_code');
  assert.equal(issues({ truth: { kind: 'leak', faultId: 'x' } })[0]!.path, 'truth.kind');
});

test('implausible but possible values stay valid (they are anomalies, not schema errors)', () => {
  // 20 miles in 6 minutes = 200 mph; a $500 fare for 3.4 miles.
  assert.equal(TripEvent.safeParse({ ...valid, trip_distance: 20, dropoff_ts: valid.pickup_ts + 360_000 }).success, true);
  assert.equal(TripEvent.safeParse({ ...valid, fare_amount: 500, total_amount: 508.75 }).success, true);
  assert.equal(TripEvent.safeParse({ ...valid, trip_distance: 0, dropoff_ts: valid.pickup_ts }).success, true);
});

test('New York offset follows US DST rules', () => {
  assert.equal(nycUtcOffsetMs(Date.UTC(2025, 0, 15)), -5 * 3_600_000);
  assert.equal(nycUtcOffsetMs(Date.UTC(2025, 6, 15)), -4 * 3_600_000);
  // 2025: DST from Sun 9 March 07:00 UTC to Sun 2 November 06:00 UTC.
  assert.equal(nycUtcOffsetMs(Date.UTC(2025, 2, 9, 6, 59)), -5 * 3_600_000);
  assert.equal(nycUtcOffsetMs(Date.UTC(2025, 2, 9, 7, 0)), -4 * 3_600_000);
  assert.equal(nycUtcOffsetMs(Date.UTC(2025, 10, 2, 5, 59)), -4 * 3_600_000);
  assert.equal(nycUtcOffsetMs(Date.UTC(2025, 10, 2, 6, 0)), -5 * 3_600_000);
  // 2014 (the NAB series): 9 March and 2 November.
  assert.equal(nycUtcOffsetMs(Date.UTC(2014, 2, 9, 7, 0)), -4 * 3_600_000);
  assert.equal(nycUtcOffsetMs(Date.UTC(2014, 10, 2, 6, 0)), -5 * 3_600_000);
});

test('hour and half hour of week are local, Monday-based', () => {
  // Monday 2025-03-03 05:00 UTC = 00:00 EST Monday.
  assert.equal(nycHourOfWeek(Date.UTC(2025, 2, 3, 5, 0)), 0);
  assert.equal(nycHourOfWeek(Date.UTC(2025, 2, 3, 4, 59)), 167);
  assert.equal(nycHalfHourOfWeek(Date.UTC(2025, 2, 3, 5, 30)), 1);
  // Friday 2025-07-04 22:45 UTC = 18:45 EDT Friday → 4·24 + 18.
  assert.equal(nycHourOfWeek(Date.UTC(2025, 6, 4, 22, 45)), 114);
  assert.equal(nycHalfHourOfWeek(Date.UTC(2025, 6, 4, 22, 45)), 4 * 48 + 37);
});

test('airports and distances', () => {
  assert.equal(airportAt(40.645, -73.785), 'JFK');
  assert.equal(airportAt(40.7740, -73.8720), 'LGA');
  assert.equal(airportAt(40.7549, -73.984), null);
  // Times Square → JFK is about 21 km in a straight line.
  const km = haversineKm(40.758, -73.9855, 40.6441, -73.7822);
  assert.ok(km > 20 && km < 22, String(km));
});
