import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { SensorReading } from '../../../../contracts/index.ts';
import { decodeEvent } from '../../core/decode-event.ts';
import { fuzzParameters, hostileString, hostileTime, hostileValue, NOW } from '../../core/fuzz/poison-arbitraries.ts';
import { fastSensorReading } from './fast-sensor-reading.ts';
import { SENSOR_READING_SHAPE } from './decode-sensor-reading.ts';

// What the fast path must keep: on any JSON value, whatever it accepts zod accepts too, with
// the same value and its keys in the same order (the reading's channels feed the detectors in
// that order); and the decoder with it gives the same outcomes and reasons as zod alone. It may
// leave a valid reading to zod (a string over its limit in UTF-16 units but not in code points,
// which zod counts), but not many of them.

const around = (n: number) => fc.constantFrom('', 'a'.repeat(n - 1), 'a'.repeat(n), 'a'.repeat(n + 1));
const channelName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('pressure', 'flow', 'temperature', 'inlet_pressure', 'a', 'x9_') },
  fc.constantFrom('Pressure', '9a', '_a', 'a-b', '__proto__', 'constructor', 'toString', 'a'.repeat(64), 'a'.repeat(65), ''),
  hostileString,
);
const channelValue = fc.oneof({ weight: 8, arbitrary: hostileValue }, fc.constantFrom<unknown>('1', null, true, [], {}, 'NaN'));
const channels = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(channelName, channelValue, { minKeys: 0, maxKeys: 5 }) },
  fc.dictionary(fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `c${i}`)), hostileValue, { minKeys: 30, maxKeys: 34 }),
  fc.constantFrom<unknown>(null, [], [1], 'x', 1),
);
const text = (max: number) => fc.oneof({ weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) }, around(max), hostileString, fc.constantFrom<unknown>(null, 1, [], {}));
const truth = fc.oneof(
  fc.record({ kind: text(40), faultId: text(80), channel: text(64) }, { requiredKeys: [] }),
  fc.record({ kind: text(40), faultId: text(80), extra: fc.jsonValue({ maxDepth: 1 }) }),
  fc.constantFrom<unknown>(null, 'leak', [], 0),
);
const reading = fc.record(
  {
    id: text(128),
    station: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('st-001', 'A_b-9', 's'.repeat(64)) }, fc.constantFrom('s'.repeat(65), 'st 1', 'st.1', '', 'é'), hostileString),
    ts: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: NOW - 86_400_000, max: NOW }) }, hostileTime, fc.constantFrom(-1, 0.1, 8_640_000_000_000, 8_640_000_000_001)),
    channels,
    truth,
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['id', 'station', 'ts', 'channels'] },
);
// Through JSON text, as the decoder sees it (keys in any order, sometimes other JSON entirely).
const input = fc.oneof(
  { weight: 12, arbitrary: reading.chain((r) => fc.shuffledSubarray(Object.keys(r), { minLength: Object.keys(r).length }).map((keys) => JSON.stringify(Object.fromEntries(keys.map((k) => [k, r[k as keyof typeof r]]))))) },
  { weight: 12, arbitrary: reading.map((r) => JSON.stringify(r)) },
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);

/** Keys of every object in the value, in order, depth first. */
function keyOrder(v: unknown): string[] {
  if (typeof v !== 'object' || v === null) return [];
  return Object.keys(v).flatMap((k) => [k, ...keyOrder((v as Record<string, unknown>)[k])]);
}

test('what the fast path accepts, zod accepts, with the same value and key order', () => {
  let zodAccepted = 0;
  let fastAccepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(input, (json) => {
      const value: unknown = JSON.parse(json);
      const zod = SensorReading.safeParse(value);
      const fast = fastSensorReading(value);
      if (zod.success) zodAccepted++;
      else refused++;
      if (fast === undefined) return;
      fastAccepted++;
      assert.ok(zod.success, `fast accepted what zod refuses: ${json.slice(0, 500)}`);
      assert.ok(isDeepStrictEqual(fast, zod.data), json.slice(0, 500));
      assert.deepEqual(keyOrder(fast), keyOrder(zod.data));
    }),
    fuzzParameters(20_000),
  );
  // Both sides exercised (a generator of only invalid, or only valid, input proves nothing), and
  // the fast path takes nearly every valid reading (else it saves nothing).
  assert.ok(zodAccepted > 1_000 && refused > 1_000, `zod accepted ${zodAccepted}, refused ${refused}`);
  assert.ok(fastAccepted >= 0.95 * zodAccepted, `fast path took ${fastAccepted} of ${zodAccepted} valid readings`);
});

test('the decoder gives the same outcomes and reasons with the fast path as with zod alone', () => {
  const zodOnly = { ...SENSOR_READING_SHAPE, fastParse: undefined };
  const enc = new TextEncoder();
  const bounds = { nowMs: NOW, maxFutureMs: 60_000, partition: 1, partitionCount: 4 };
  fc.assert(
    fc.property(input, (json) => {
      const data = enc.encode(json);
      assert.deepEqual(decodeEvent(data, SENSOR_READING_SHAPE, bounds), decodeEvent(data, zodOnly, bounds));
    }),
    fuzzParameters(10_000),
  );
});
