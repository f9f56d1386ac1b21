import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { partitionOf } from '../../../../contracts/index.ts';
import { decodeSensorReading } from '../../domains/sensor/decode-sensor-reading.ts';
import { decodeTripEvent } from '../../domains/trip/decode-trip-event.ts';
import { fuzzParameters, hostileBody, hostileString, hostileTime, hostileValue, NOW } from './poison-arbitraries.ts';

const KINDS = new Set(['invalid_json', 'invalid_event', 'future_timestamp', 'partition_mismatch']);
const MAX_FUTURE = 300_000;
const PARTITIONS = 4;

const reading = fc.record({
  id: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), hostileString),
  station: fc.oneof(fc.constantFrom('st-1', 'st-2', 'st-3'), hostileString),
  ts: hostileTime,
  channels: fc.dictionary(fc.oneof(fc.constantFrom('pressure', 'flow', 'temp'), hostileString), hostileValue, { maxKeys: 6 }),
});

test('fuzz: the sensor decoder never throws, and accepts only sound, present, home-partition readings', () => {
  fc.assert(
    fc.property(hostileBody(reading), fc.integer({ min: 0, max: PARTITIONS - 1 }), (data, partition) => {
      const r = decodeSensorReading(data, { nowMs: NOW, maxFutureMs: MAX_FUTURE, partition, partitionCount: PARTITIONS });
      if (!r.ok) {
        assert.ok(KINDS.has(r.kind), r.kind);
        assert.equal(typeof r.reason, 'string');
        return;
      }
      const x = r.reading;
      assert.ok(Number.isSafeInteger(x.ts) && x.ts >= 0 && x.ts <= NOW + MAX_FUTURE, `ts ${x.ts}`);
      assert.ok(Object.values(x.channels).every(Number.isFinite));
      assert.equal(partitionOf(x.station, PARTITIONS), partition);
    }),
    fuzzParameters(5000),
  );
});

test('fuzz: the trip decoder never throws, and accepts only ordered, present, home-partition trips', () => {
  const trip = fc.record({
    id: fc.string({ minLength: 1, maxLength: 8 }),
    vendor: fc.constantFrom(1, 2, 6, 7, 3),
    pickup_ts: hostileTime,
    dropoff_ts: hostileTime,
    pickup_lat: fc.oneof(fc.double({ min: 40.3, max: 41.2, noNaN: true }), hostileValue),
    pickup_lng: fc.oneof(fc.double({ min: -74.5, max: -73.4, noNaN: true }), hostileValue),
    dropoff_lat: fc.double({ min: 40.3, max: 41.2, noNaN: true }),
    dropoff_lng: fc.double({ min: -74.5, max: -73.4, noNaN: true }),
    passenger_count: fc.integer({ min: -1, max: 10 }),
    trip_distance: hostileValue,
    rate_code: fc.constantFrom(1, 2, 99, 7),
    payment_type: fc.constantFrom(0, 1, 2, 9),
    fare_amount: hostileValue,
    total_amount: hostileValue,
  });
  fc.assert(
    fc.property(hostileBody(trip), fc.integer({ min: 0, max: PARTITIONS - 1 }), (data, partition) => {
      const r = decodeTripEvent(data, { nowMs: NOW, maxFutureMs: MAX_FUTURE, partition, partitionCount: PARTITIONS });
      if (!r.ok) {
        assert.ok(KINDS.has(r.kind), r.kind);
        return;
      }
      assert.ok(r.trip.pickup_ts <= r.trip.dropoff_ts && r.trip.dropoff_ts <= NOW + MAX_FUTURE && r.trip.pickup_ts >= 0);
    }),
    fuzzParameters(5000),
  );
});
