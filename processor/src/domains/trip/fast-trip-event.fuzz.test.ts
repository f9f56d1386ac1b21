import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TRIP_AMOUNT_PARTS, TripEvent } from '../../../../contracts/index.ts';
import { createTripSimulation } from '../../../../producers/src/trip/index.ts';
import { asJsonText, checkDecoderUnchanged, checkFastPathAgreesWithZod } from '../../core/fuzz/fast-path-checks.ts';
import { hostileString, hostileTime, hostileValue, NOW } from '../../core/fuzz/poison-arbitraries.ts';
import { fastTripEvent } from './fast-trip-event.ts';
import { TRIP_EVENT_SHAPE } from './decode-trip-event.ts';

// What the fast path must keep: on any JSON value, whatever it accepts zod accepts too, with the
// same value and keys in the same order; and the decoder with it gives the same outcomes and
// reasons as zod alone. It may leave a valid trip to zod, but not many of them.

const T0 = NOW - 3 * 3_600_000;
const SIM = createTripSimulation({ startTs: T0, seed: 3, scale: 0.004, anomalyRate: 0.05 }).nextBatch(NOW);
const around = (n: number) => fc.constantFrom('', 'a'.repeat(n - 1), 'a'.repeat(n), 'a'.repeat(n + 1));
const text = (max: number) => fc.oneof({ weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) }, around(max), hostileString, fc.constantFrom<unknown>(null, 1, [], {}));
const edge = fc.constantFrom<unknown>(0, -0, -0.01, 0.005, 40.3, 41.2, 41.2000001, -74.5, -73.4, -73.3999, 9, 10, 7, 99, 1e300, '1', null, true, [], {});
const truth = fc.oneof(
  fc.record({ kind: fc.constantFrom<unknown>('surge', 'collapse', 'overcharge', 'impossible', 'detour', 'leak', ''), faultId: text(80), channel: text(64) }, { requiredKeys: [] }),
  fc.record({ kind: fc.constantFrom('overcharge', 'detour'), faultId: text(80), extra: fc.jsonValue({ maxDepth: 1 }) }),
  fc.constantFrom<unknown>(null, 'x', [], 0),
);
const FIELDS = ['id', 'vendor', 'pickup_ts', 'dropoff_ts', 'pickup_lat', 'pickup_lng', 'dropoff_lat', 'dropoff_lng', 'passenger_count', 'trip_distance', 'rate_code', 'payment_type', ...TRIP_AMOUNT_PARTS, 'total_amount'] as const;
/** A simulated trip with a few fields changed, dropped or added, its total sometimes kept the sum. */
const trip = fc
  .record({
    base: fc.integer({ min: 0, max: SIM.length - 1 }),
    changes: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.oneof(hostileValue, hostileTime, edge, text(128))), { maxLength: 3 })),
    drop: fc.option(fc.constantFrom(...FIELDS, 'truth'), { freq: 12 }),
    truth: fc.option(truth, { freq: 2 }),
    extra: fc.option(fc.jsonValue({ maxDepth: 1 }), { freq: 4 }),
    resum: fc.boolean(),
    // Limits at and one past their bound, set together so the rest stays valid: a random change
    // reaches them about once in 10 000 inputs, these about once in 100.
    bound: fc.oneof(
      { weight: 8, arbitrary: fc.constant<[string, unknown][]>([]) },
      fc.constantFrom<[string, unknown][]>(
        [['id', 'a'.repeat(128)]],
        [['id', 'a'.repeat(129)]],
        [['dropoff_ts', 8_640_000_000_000]],
        [['dropoff_ts', 8_640_000_000_001]],
        [['pickup_ts', 8_640_000_000_000], ['dropoff_ts', 8_640_000_000_000]],
        [['pickup_ts', 8_640_000_000_001], ['dropoff_ts', 8_640_000_000_001]],
      ),
    ),
  })
  .map(({ base, changes, drop, truth: tr, extra, resum, bound }) => {
    const t: Record<string, unknown> = { ...SIM[base]! };
    for (const [k, v] of [...bound, ...changes]) t[k] = v;
    if (resum && TRIP_AMOUNT_PARTS.every((p) => typeof t[p] === 'number')) t.total_amount = TRIP_AMOUNT_PARTS.reduce((s, p) => s + (t[p] as number), 0);
    if (tr !== null) t.truth = tr;
    if (extra !== null) t.more = extra;
    if (drop !== null) delete t[drop];
    return t;
  });
const input = asJsonText(trip);

test('what the fast path accepts, zod accepts, with the same value and key order', () => {
  checkFastPathAgreesWithZod(TripEvent, fastTripEvent, input, 'trips');
});

test('the decoder gives the same outcomes and reasons with the fast path as with zod alone', () => {
  checkDecoderUnchanged(TRIP_EVENT_SHAPE, input);
});

test('every simulated trip takes the fast path, as zod gives it', () => {
  for (const t of SIM) {
    const value: unknown = JSON.parse(JSON.stringify(t));
    assert.deepEqual(fastTripEvent(value), TripEvent.parse(value));
  }
});
