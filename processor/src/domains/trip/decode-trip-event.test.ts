import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTripSimulation } from '../../../../producers/src/trip/index.ts';
import { partitionOf, TRIP_REGION } from '../../../../contracts/index.ts';
import { decodeTripEvent } from './decode-trip-event.ts';

const enc = (x: unknown) => new TextEncoder().encode(typeof x === 'string' ? x : JSON.stringify(x));
const T0 = Date.UTC(2026, 0, 5, 12);
const trip = createTripSimulation({ startTs: T0, seed: 1 }).nextBatch(T0 + 3_600_000)[0]!;

test('a simulated trip decodes', () => {
  const r = decodeTripEvent(enc(trip), { nowMs: T0 + 3_600_000, maxFutureMs: 86_400_000 });
  assert.ok(r.ok);
  assert.equal(r.trip.id, trip.id);
});

test('broken JSON, an impossible record and a far-future trip each get their own kind and reason', () => {
  const json = decodeTripEvent(enc('{"id":'), { nowMs: T0, maxFutureMs: 86_400_000 });
  assert.equal(json.ok || json.kind, 'invalid_json');
  const before = decodeTripEvent(enc({ ...trip, dropoff_ts: trip.pickup_ts - 1 }), { nowMs: T0, maxFutureMs: 86_400_000 });
  assert.ok(!before.ok);
  assert.equal(before.kind, 'invalid_event');
  assert.match(before.reason, /dropoff_ts .* is before pickup_ts/);
  const future = decodeTripEvent(enc(trip), { nowMs: trip.dropoff_ts - 2 * 86_400_000, maxFutureMs: 86_400_000 });
  assert.ok(!future.ok);
  assert.equal(future.kind, 'future_timestamp');
});

test('a trip on a partition that is not its city partition is partition_mismatch, naming both partitions', () => {
  const home = partitionOf(TRIP_REGION, 4);
  const wrong = (home + 1) % 4;
  const poison = { ...trip, pickup_ts: 0, dropoff_ts: 0 };
  const r = decodeTripEvent(enc(poison), { nowMs: T0, maxFutureMs: 300_000, partition: wrong, partitionCount: 4 });
  assert.ok(!r.ok && r.kind === 'partition_mismatch', JSON.stringify(r));
  assert.match(r.reason, new RegExp(`partition ${wrong}.*"nyc" hashes to partition ${home} of 4`));
  assert.equal(decodeTripEvent(enc(trip), { nowMs: T0 + 3_600_000, maxFutureMs: 300_000, partition: home, partitionCount: 4 }).ok, true);
});
