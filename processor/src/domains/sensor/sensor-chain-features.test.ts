import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SENSOR_CHAIN_FEATURES, sensorChainFeatures } from './sensor-chain-features.ts';

test('golden vector: Saturday 06:00 UTC', () => {
  const f = sensorChainFeatures(Date.UTC(2026, 0, 3, 6, 0), { pressure: 5.5, temperature: 2, flow: 900, extra: 1 })!;
  assert.equal(f.length, SENSOR_CHAIN_FEATURES.length);
  assert.deepEqual(f.slice(0, 3), [5.5, 2, 900]);
  assert.ok(Math.abs(f[3]! - 1) < 1e-12 && Math.abs(f[4]!) < 1e-12, 'quarter of the day');
  assert.equal(f[5], 1);
  assert.equal(sensorChainFeatures(Date.UTC(2026, 0, 5, 0, 0), { pressure: 1, temperature: 1, flow: 1 })![5], 0);
});

test('a reading without the chain channels has no vector', () => {
  assert.equal(sensorChainFeatures(0, { value: 1 }), null);
});
