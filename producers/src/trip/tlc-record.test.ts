import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TripEvent } from '../../../contracts/index.ts';
import { tlcIdPrefix, tlcPaymentType, tlcRowToTrip, tlcVendor, type TlcRow } from './tlc-record.ts';

const wall = (s: string) => Date.parse(s.replace(' ', 'T') + 'Z');
const ctx = { idPrefix: 'tlc-yellow_tripdata_2015-03' };

/** A 2015-layout row (coordinates) that the contract accepts. */
const row2015: TlcRow = {
  row: 7,
  pickup_wall_ms: wall('2015-03-08 01:50:00'),
  dropoff_wall_ms: wall('2015-03-08 03:10:00'),
  vendor: '2',
  passenger_count: 1,
  trip_distance: 3.2,
  pickup_lng: -73.9851,
  pickup_lat: 40.7589,
  dropoff_lng: -73.9537,
  dropoff_lat: 40.7766,
  rate_code: 1,
  payment_type: '1',
  fare_amount: 14.5,
  extra: 0.5,
  mta_tax: 0.5,
  tip_amount: 3.1,
  tolls_amount: 0,
  improvement_surcharge: 0.3,
  total_amount: 18.9,
};

function trip(row: TlcRow, c: Parameters<typeof tlcRowToTrip>[1] = ctx) {
  const r = tlcRowToTrip(row, c);
  assert.equal(r.kind, 'trip');
  return (r as Extract<typeof r, { kind: 'trip' }>).trip;
}

test('coordinate layout: fields mapped, New York time → UTC across the March switch, surcharges a year lacks are 0', () => {
  const t = trip(row2015);
  assert.deepEqual(t, {
    id: 'tlc-yellow_tripdata_2015-03-7',
    vendor: 2,
    pickup_ts: Date.parse('2015-03-08T06:50:00Z'), // 01:50 EST
    dropoff_ts: Date.parse('2015-03-08T07:10:00Z'), // 03:10 EDT: a 20-minute trip
    pickup_lat: 40.7589,
    pickup_lng: -73.9851,
    dropoff_lat: 40.7766,
    dropoff_lng: -73.9537,
    passenger_count: 1,
    trip_distance: 3.2,
    rate_code: 1,
    payment_type: 1,
    fare_amount: 14.5,
    extra: 0.5,
    mta_tax: 0.5,
    tip_amount: 3.1,
    tolls_amount: 0,
    improvement_surcharge: 0.3,
    congestion_surcharge: 0,
    airport_fee: 0,
    cbd_congestion_fee: 0,
    total_amount: 18.9,
    truth: null,
  });
  assert.ok(TripEvent.safeParse(t).success);
});

test('zone layout: ids → centroids; an id without a centroid leaves the place null (the contract rejects it)', () => {
  const zones = new Map([
    [132, { lat: 40.6413, lng: -73.7781 }],
    [161, { lat: 40.758, lng: -73.9776 }],
  ]);
  const base = { ...row2015, pickup_lng: undefined, pickup_lat: undefined, dropoff_lng: undefined, dropoff_lat: undefined };
  const t = trip({ ...base, pickup_zone: 132, dropoff_zone: 161 }, { ...ctx, zones });
  assert.deepEqual([t.pickup_lat, t.pickup_lng, t.dropoff_lat, t.dropoff_lng], [40.6413, -73.7781, 40.758, -73.9776]);
  const unknown = trip({ ...base, pickup_zone: 264, dropoff_zone: null }, { ...ctx, zones });
  assert.deepEqual([unknown.pickup_lat, unknown.pickup_lng, unknown.dropoff_lat, unknown.dropoff_lng], [null, null, null, null]);
  const r = TripEvent.safeParse(unknown);
  assert.ok(!r.success && r.error.issues.some((i) => i.path[0] === 'pickup_lat'));
});

test('November: the repeated hour is read as EDT', () => {
  const t = trip({ ...row2015, pickup_wall_ms: wall('2024-11-03 01:20:00'), dropoff_wall_ms: wall('2024-11-03 01:45:00') });
  assert.equal(t.pickup_ts, Date.parse('2024-11-03T05:20:00Z'));
  assert.equal(t.dropoff_ts, Date.parse('2024-11-03T05:45:00Z'));
});

test('2009–2014 text codes: vendors and payment types', () => {
  assert.equal(tlcVendor('CMT'), 1);
  assert.equal(tlcVendor('VTS'), 2);
  assert.equal(tlcVendor('DDS'), null); // never given a TLC VendorID
  assert.equal(tlcVendor('2.0'), 2);
  for (const [text, code] of [['CASH', 2], ['Cash', 2], ['CSH', 2], ['CRD', 1], ['Credit', 1], ['CREDIT', 1], ['No Charge', 3], ['NOC', 3], ['Dispute', 4], ['DIS', 4], ['UNK', 5], ['1', 1], ['4', 4]] as const) {
    assert.equal(tlcPaymentType(text), code, text);
  }
  assert.equal(tlcPaymentType(null), 5);
  assert.equal(tlcPaymentType('???'), null);
});

test('missing values: passenger 0, rate code 99, payment 5, surcharges 0; fare, total and places stay null', () => {
  const t = trip({ row: 3, pickup_wall_ms: wall('2024-11-03 11:00:00'), dropoff_wall_ms: wall('2024-11-03 11:20:00'), passenger_count: null, rate_code: null, payment_type: null, pickup_zone: 236, dropoff_zone: 237, fare_amount: null, total_amount: null, congestion_surcharge: null, airport_fee: null });
  assert.equal(t.passenger_count, 0);
  assert.equal(t.rate_code, 99);
  assert.equal(t.payment_type, 5);
  assert.equal(t.congestion_surcharge, 0);
  assert.equal(t.fare_amount, null);
  assert.equal(t.total_amount, null);
  assert.equal(t.trip_distance, null);
  assert.equal(t.vendor, null);
  assert.equal(t.pickup_lat, null); // no centroids given
});

test('bad rows: still a record (for the dead-letter queue) unless there is no dropoff time', () => {
  // Negative amounts, 0/0 coordinates, no pickup time: published, the contract names the fields.
  const bad = trip({ ...row2015, pickup_wall_ms: null, pickup_lat: 0, pickup_lng: 0, fare_amount: -3, total_amount: -3 });
  assert.equal(bad.pickup_ts, null);
  const r = TripEvent.safeParse(bad);
  assert.ok(!r.success);
  const fields = new Set(r.error.issues.map((i) => i.path[0]));
  for (const f of ['pickup_ts', 'pickup_lat', 'pickup_lng', 'fare_amount', 'total_amount']) assert.ok(fields.has(f), f);
  // NaN (a float column's missing value) counts as missing.
  assert.equal(trip({ ...row2015, trip_distance: NaN }).trip_distance, null);
  // No dropoff: nothing to order or window it by.
  assert.deepEqual(tlcRowToTrip({ ...row2015, dropoff_wall_ms: null }, ctx), { kind: 'unconvertible', row: 7, reason: 'no parseable dropoff time' });
  assert.deepEqual(tlcRowToTrip({ row: 1, pickup_wall_ms: null, dropoff_wall_ms: null, vendor: null, fare_amount: null }, ctx), { kind: 'blank' });
});

test('ids: the file name without extension, per row; safe characters only', () => {
  assert.equal(tlcIdPrefix('/data/yellow_tripdata_2015-01.parquet'), 'tlc-yellow_tripdata_2015-01');
  assert.equal(tlcIdPrefix('yellow_tripdata_2015-01.csv'), 'tlc-yellow_tripdata_2015-01');
  assert.equal(tlcIdPrefix('my trips (1).csv.gz'), 'tlc-my_trips__1_');
  assert.ok(tlcIdPrefix('x'.repeat(300) + '.csv').length <= 100);
});
