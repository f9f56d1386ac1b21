import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSensorReading } from './decode-sensor-reading.ts';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const NOW = Date.UTC(2026, 0, 1);
const ok = { id: 'st-1@1', station: 'st-1', ts: NOW - 1000, channels: { pressure: 5.1, flow: 800 }, truth: null };

test('a valid reading decodes', () => {
  const r = decodeSensorReading(enc(ok), NOW, 60_000);
  assert.equal(r.ok, true);
});

test('broken JSON is invalid_json', () => {
  const r = decodeSensorReading(enc('{"id": '), NOW, 60_000);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.kind, 'invalid_json');
});

test('schema errors name the field', () => {
  const r = decodeSensorReading(enc({ ...ok, channels: { pressure: 'high' } }), NOW, 60_000);
  assert.ok(!r.ok && r.kind === 'invalid_event' && /channels\.pressure/.test(r.reason), JSON.stringify(r));
  const r2 = decodeSensorReading(enc({ ...ok, station: undefined }), NOW, 60_000);
  assert.ok(!r2.ok && /station/.test(r2.reason));
});

test('non-finite values cannot arrive through JSON, and null channels are refused', () => {
  const r = decodeSensorReading(enc('{"id":"a","station":"s","ts":1,"channels":{"p":null}}'), NOW, 60_000);
  assert.ok(!r.ok && r.kind === 'invalid_event');
});

test('timestamps far in the future are refused with the reason', () => {
  const r = decodeSensorReading(enc({ ...ok, ts: NOW + 3_600_000 }), NOW, 60_000);
  assert.ok(!r.ok && r.kind === 'future_timestamp' && /ahead/.test(r.reason));
});
