import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FARE_RULES, meterFare, splitSlowFast } from './fare-rules.ts';
import { priceTrip } from './trip-pricing.ts';

test('meter: $3.00 plus 70¢ per complete 1/5 mile and per complete slow minute', () => {
  assert.equal(meterFare(0, 0), 3);
  assert.equal(meterFare(1, 0), 6.5); // 5 units
  assert.equal(meterFare(1.19, 0), 6.5); // 5.95 → 5 units
  assert.equal(meterFare(1, 3.5), 8.6); // 5 + 3 units
  assert.equal(meterFare(10, 0), 38); // 50 units
});

test('slow/fast split matches both totals', () => {
  const { slowMinutes, fastMiles } = splitSlowFast(3, 20); // 9 mph average
  assert.ok(slowMinutes > 0 && slowMinutes < 20);
  const fastMinutes = 20 - slowMinutes;
  assert.ok(Math.abs(fastMiles + (slowMinutes * 4) / 60 - 3) < 1e-9);
  assert.ok(fastMiles / (fastMinutes / 60) > FARE_RULES.slowThresholdMph);
  assert.deepEqual(splitSlowFast(1, 30), { slowMinutes: 30, fastMiles: 0 });
  assert.deepEqual(splitSlowFast(30, 30), { slowMinutes: 0, fastMiles: 30 });
});

const base = { miles: 2, minutes: 12, paymentType: 2 as const, tipFraction: 0, tolls: 0 };

test('Midtown → FiDi on a weekday at 17:00 EST: rush hour, congestion and CBD fees', () => {
  // Tuesday 2025-03-04 22:00 UTC = 17:00 EST.
  const a = priceTrip({ ...base, pickupTs: Date.UTC(2025, 2, 4, 22), pickupLat: 40.7549, pickupLng: -73.984, dropoffLat: 40.7075, dropoffLng: -74.0113 });
  assert.equal(a.rate_code, 1);
  assert.equal(a.extra, 2.5);
  assert.equal(a.congestion_surcharge, 2.5);
  assert.equal(a.cbd_congestion_fee, 0.75);
  assert.equal(a.airport_fee, 0);
  assert.equal(a.mta_tax, 0.5);
  assert.equal(a.improvement_surcharge, 1);
  assert.equal(a.total_amount, Math.round((a.fare_amount + 2.5 + 0.5 + 1 + 2.5 + 0.75) * 100) / 100);
});

test('JFK → Midtown: $70 flat, $5 weekday rush, airport fee; no meter', () => {
  const a = priceTrip({ ...base, miles: 17, minutes: 55, pickupTs: Date.UTC(2025, 2, 4, 22), pickupLat: 40.6441, pickupLng: -73.7822, dropoffLat: 40.7549, dropoffLng: -73.984 });
  assert.equal(a.rate_code, 2);
  assert.equal(a.fare_amount, 70);
  assert.equal(a.extra, 5);
  assert.equal(a.airport_fee, 1.75);
  assert.equal(a.total_amount, 70 + 5 + 0.5 + 1 + 2.5 + 0.75 + 1.75);
});

test('Upper West Side → Harlem overnight on a Saturday: overnight extra, no zone fees; card tip', () => {
  // Saturday 2025-07-05 03:00 UTC = Friday 23:00 EDT.
  const a = priceTrip({ ...base, paymentType: 1, tipFraction: 0.2, pickupTs: Date.UTC(2025, 6, 5, 3), pickupLat: 40.8, pickupLng: -73.965, dropoffLat: 40.8116, dropoffLng: -73.9465 });
  assert.equal(a.extra, 1);
  assert.equal(a.congestion_surcharge, 0);
  assert.equal(a.cbd_congestion_fee, 0);
  assert.equal(a.tip_amount, Math.round(0.2 * (a.fare_amount + 1) * 100) / 100);
});

test('no CBD fee before 2025-01-05', () => {
  const a = priceTrip({ ...base, pickupTs: Date.UTC(2024, 11, 3, 15), pickupLat: 40.7549, pickupLng: -73.984, dropoffLat: 40.7075, dropoffLng: -74.0113 });
  assert.equal(a.cbd_congestion_fee, 0);
  assert.equal(a.congestion_surcharge, 2.5);
});
