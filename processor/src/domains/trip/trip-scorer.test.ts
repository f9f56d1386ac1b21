import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KM_PER_MILE, type TripEvent } from '../../../../contracts/index.ts';
import { tripFareFeatures } from './trip-fare-features.ts';
import { TripScorer, type TripVerdict } from './trip-scorer.ts';

const T0 = Date.UTC(2025, 2, 10, 16);
const MIN = 60_000;
const LAT_PER_MI = KM_PER_MILE / 111.195; // degrees of latitude per mile (along a meridian)

/** A trip due north: `straightMi` apart, `miles` metered in `minutes`, fare by a plain meter rule unless given. */
function trip(i: number, straightMi: number, miles: number, minutes: number, fare?: number): TripEvent {
  const f = fare ?? Math.round((3 + 2.5 * miles + 0.5 * minutes) * 100) / 100;
  const pickup = T0 + i * MIN;
  return {
    id: `t${i}`, vendor: 2, pickup_ts: pickup, dropoff_ts: pickup + Math.round(minutes * MIN),
    pickup_lat: 40.7, pickup_lng: -73.99, dropoff_lat: 40.7 + straightMi * LAT_PER_MI, dropoff_lng: -73.99,
    passenger_count: 1, trip_distance: miles, rate_code: 1, payment_type: 2, fare_amount: f, extra: 0, mta_tax: 0.5,
    tip_amount: 0, tolls_amount: 0, improvement_surcharge: 1, congestion_surcharge: 0, airport_fee: 0, cbd_congestion_fee: 0,
    total_amount: Math.round((f + 1.5) * 100) / 100, truth: null,
  };
}

/** Normal trips: ratio 1.2–1.5, 8–20 mph, honest fares. Deterministic. */
function normal(i: number): TripEvent {
  const straight = 0.3 + ((i * 37) % 100) / 12; // 0.3 … 8.5 mi
  const ratio = 1.2 + ((i * 13) % 30) / 100;
  const miles = Math.round(straight * ratio * 100) / 100;
  const mph = 8 + ((i * 7) % 13);
  return trip(i, straight, miles, (miles / mph) * 60);
}

function score(s: TripScorer, t: TripEvent, fareScore: number | null = null, expected: number | null = null): TripVerdict {
  return s.score(t, tripFareFeatures(t), expected, fareScore);
}

function warmed(): TripScorer {
  const s = new TripScorer();
  for (let i = 0; i < 2000; i++) score(s, normal(i));
  return s;
}

test('normal trips stay well below the alarm once warm', () => {
  const s = warmed();
  let max = 0;
  for (let i = 2000; i < 3000; i++) max = Math.max(max, score(s, normal(i)).score);
  assert.ok(max < 50, `max normal score ${max}`);
});

test('each kind scores an alarm and is named, with its driver first', () => {
  const s = warmed();
  const over = score(s, trip(9001, 2, 2.6, 12, 2.5 * (3 + 2.5 * 2.6 + 0.5 * 12)));
  assert.equal(over.kind, 'overcharge');
  assert.ok(over.score >= 85, `overcharge ${over.score}`);
  assert.equal(over.drivers[0]!.feature, 'fare_residual');
  assert.ok(Math.abs(over.drivers[0]!.expected! - (3 + 2.5 * 2.6 + 0.5 * 12)) < 1.5, `expected fare ${over.drivers[0]!.expected}`);

  const fast = score(s, trip(9002, 3, 12, 2.5)); // 288 mph
  assert.equal(fast.kind, 'impossible');
  assert.ok(fast.score >= 95);
  assert.equal(fast.drivers[0]!.feature, 'speed_mph');

  const jump = score(s, trip(9003, 12, 1.5, 8)); // 12 mi apart, 1.5 metered
  assert.equal(jump.kind, 'impossible');
  assert.equal(jump.drivers[0]!.feature, 'straight_line_mi');

  const detour = score(s, trip(9004, 2, 2 * 1.35 * 2.8, 40)); // 2.8× the usual miles, honest fare
  assert.equal(detour.kind, 'detour');
  assert.ok(detour.score >= 70, `detour ${detour.score}`);
  assert.equal(detour.drivers[0]!.feature, 'detour_ratio');
});

test('a same-block hop metered at the minimum is no detour; physics needs no warm-up; the fare model does', () => {
  const s = warmed();
  const hop = score(s, trip(9010, 0.02, 0.2, 2));
  assert.ok(hop.score < 70, `hop ${hop.score}`);
  const cold = new TripScorer();
  assert.equal(score(cold, trip(1, 3, 12, 2.5)).kind, 'impossible', 'physics from the first trip');
  const over = score(cold, trip(2, 2, 2.6, 12, 60));
  assert.ok(over.score < 70, 'no fare alarm before the meter model has seen enough trips');
});

test('the model score, when given, is the fare evidence; a detour explains a high model score', () => {
  const s = warmed();
  const v = score(s, normal(5000), 92, 10);
  assert.equal(v.kind, 'overcharge');
  assert.equal(v.score, 92);
  assert.equal(v.drivers[0]!.feature, 'fare_residual');
  assert.ok(v.drivers.some((d) => d.feature === 'fare_per_mile_minute'), 'the meter model stays as a driver');
  const d = score(s, trip(5001, 2, 2 * 1.35 * 2.8, 40), 95, 12);
  assert.equal(d.kind, 'detour');
});

test('causal: a future trip never changes a past score; state round trip gives identical scores', () => {
  const a = new TripScorer();
  const b = new TripScorer();
  const seq = Array.from({ length: 1500 }, (_, i) => (i % 97 === 5 ? trip(i, 2, 2.6, 12, 80) : normal(i)));
  const first = seq.slice(0, 1000).map((t) => score(a, t).score);
  // b sees the same prefix, then something else entirely: the prefix scores cannot differ.
  const firstB = seq.slice(0, 1000).map((t) => score(b, t).score);
  assert.deepEqual(firstB, first);
  const c = new TripScorer();
  c.restoreState(JSON.parse(JSON.stringify(a.captureState())));
  for (const t of seq.slice(1000)) assert.deepEqual(score(c, t), score(a, t));
  assert.throws(() => c.restoreState({ format: 'nope' }), RangeError);
});

test('an ordinary trip keeps only its top driver, unworded; a trip from explainFrom up gets every driver in words', () => {
  const s = warmed();
  const plain = score(s, normal(2500));
  assert.ok(plain.score < s.options.explainFrom, `ordinary trip scored ${plain.score}`);
  assert.equal(plain.drivers.length, 1);
  assert.equal(plain.drivers[0]!.reason, '');
  const fast = score(s, trip(9002, 3, 12, 2.5));
  assert.ok(fast.drivers.length >= 4);
  assert.ok(fast.drivers.every((d) => d.reason.length > 0));
  assert.ok(fast.drivers.every((d, i) => i === 0 || d.score <= fast.drivers[i - 1]!.score));
});
