import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionOf } from '../../../../contracts/index.ts';
import { decodeSensorReading } from './decode-sensor-reading.ts';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const NOW = Date.UTC(2026, 0, 1);
const ok = { id: 'st-1@1', station: 'st-1', ts: NOW - 1000, channels: { pressure: 5.1, flow: 800 }, truth: null };

test('a valid reading decodes', () => {
  const r = decodeSensorReading(enc(ok), { nowMs: NOW, maxFutureMs: 60_000 });
  assert.equal(r.ok, true);
});

test('broken JSON is invalid_json', () => {
  const r = decodeSensorReading(enc('{"id": '), { nowMs: NOW, maxFutureMs: 60_000 });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.kind, 'invalid_json');
});

test('schema errors name the field', () => {
  const r = decodeSensorReading(enc({ ...ok, channels: { pressure: 'high' } }), { nowMs: NOW, maxFutureMs: 60_000 });
  assert.ok(!r.ok && r.kind === 'invalid_event' && /channels\.pressure/.test(r.reason), JSON.stringify(r));
  const r2 = decodeSensorReading(enc({ ...ok, station: undefined }), { nowMs: NOW, maxFutureMs: 60_000 });
  assert.ok(!r2.ok && /station/.test(r2.reason));
});

test('non-finite values cannot arrive through JSON, and null channels are refused', () => {
  const r = decodeSensorReading(enc('{"id":"a","station":"s","ts":1,"channels":{"p":null}}'), { nowMs: NOW, maxFutureMs: 60_000 });
  assert.ok(!r.ok && r.kind === 'invalid_event');
});

test('timestamps far in the future are refused with the reason', () => {
  const r = decodeSensorReading(enc({ ...ok, ts: NOW + 3_600_000 }), { nowMs: NOW, maxFutureMs: 60_000 });
  assert.ok(!r.ok && r.kind === 'future_timestamp' && /ahead/.test(r.reason));
});

test('a reading on a partition its station does not hash to is partition_mismatch, naming both', () => {
  const home = partitionOf('st-1', 4);
  const wrong = (home + 1) % 4;
  assert.equal(decodeSensorReading(enc(ok), { nowMs: NOW, maxFutureMs: 60_000, partition: home, partitionCount: 4 }).ok, true);
  const r = decodeSensorReading(enc(ok), { nowMs: NOW, maxFutureMs: 60_000, partition: wrong, partitionCount: 4 });
  assert.ok(!r.ok && r.kind === 'partition_mismatch', JSON.stringify(r));
  assert.match(r.reason, new RegExp(`partition ${wrong}.*"st-1" hashes to partition ${home} of 4`));
});

test('the future tolerance is what the caller gives: 5 minutes refuses a reading 23 h ahead', () => {
  const r = decodeSensorReading(enc({ ...ok, ts: NOW + 23 * 3_600_000 }), { nowMs: NOW, maxFutureMs: 300_000 });
  assert.ok(!r.ok && r.kind === 'future_timestamp' && /5 min ahead/.test(r.reason), JSON.stringify(r));
  assert.equal(decodeSensorReading(enc({ ...ok, ts: NOW + 240_000 }), { nowMs: NOW, maxFutureMs: 300_000 }).ok, true);
});
