import { test } from 'node:test';
import fc from 'fast-check';
import { SensorReading } from '../../../../contracts/index.ts';
import { asJsonText, checkDecoderUnchanged, checkFastPathAgreesWithZod } from '../../core/fuzz/fast-path-checks.ts';
import { hostileString, hostileTime, hostileValue, NOW } from '../../core/fuzz/poison-arbitraries.ts';
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
const input = asJsonText(reading);

test('what the fast path accepts, zod accepts, with the same value and key order', () => {
  checkFastPathAgreesWithZod(SensorReading, fastSensorReading, input, 'readings');
});

test('the decoder gives the same outcomes and reasons with the fast path as with zod alone', () => {
  checkDecoderUnchanged(SENSOR_READING_SHAPE, input);
});
