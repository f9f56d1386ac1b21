import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTripSimulation } from '../../../../producers/src/trip/index.ts';
import { decodeTripEvent } from './decode-trip-event.ts';

const enc = (x: unknown) => new TextEncoder().encode(typeof x === 'string' ? x : JSON.stringify(x));
const T0 = Date.UTC(2026, 0, 5, 12);
const trip = createTripSimulation({ startTs: T0, seed: 1 }).nextBatch(T0 + 3_600_000)[0]!;

test('a simulated trip decodes', () => {
  const r = decodeTripEvent(enc(trip), T0 + 3_600_000, 86_400_000);
  assert.ok(r.ok);
  assert.equal(r.trip.id, trip.id);
});

test('broken JSON, an impossible record and a far-future trip each get their own kind and reason', () => {
  const json = decodeTripEvent(enc('{"id":'), T0, 86_400_000);
  assert.equal(json.ok || json.kind, 'invalid_json');
  const before = decodeTripEvent(enc({ ...trip, dropoff_ts: trip.pickup_ts - 1 }), T0, 86_400_000);
  assert.ok(!before.ok);
  assert.equal(before.kind, 'invalid_event');
  assert.match(before.reason, /dropoff_ts .* is before pickup_ts/);
  const future = decodeTripEvent(enc(trip), trip.dropoff_ts - 2 * 86_400_000, 86_400_000);
  assert.ok(!future.ok);
  assert.equal(future.kind, 'future_timestamp');
});
