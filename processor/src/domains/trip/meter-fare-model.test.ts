import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeterFareModel } from './meter-fare-model.ts';

/** An honest meter: $3 + $2.50/mile + $0.50/minute, rounded to cents. */
const meter = (miles: number, minutes: number) => Math.round((3 + 2.5 * miles + 0.5 * minutes) * 100) / 100;
const trip = (i: number): [number, number] => [0.5 + ((i * 37) % 100) / 10, 3 + ((i * 17) % 50)];

test('learns the per-mile and per-minute rates; an overcharge is many robust sds off, an honest fare is not', () => {
  const m = new MeterFareModel();
  for (let i = 0; i < 2000; i++) {
    const [mi, min] = trip(i);
    m.learn(1, mi, min, i % 50 === 7 ? meter(mi, min) * 3 : meter(mi, min), false); // 2 % overcharges in training
  }
  const [a, b, c] = m.coefficients();
  assert.ok(Math.abs(a - 3) < 0.75 && Math.abs(b - 2.5) < 0.1 && Math.abs(c - 0.5) < 0.05, `coefficients ${a} ${b} ${c}`);
  const honest = m.judge(1, 4, 20, meter(4, 20));
  assert.ok(honest.warm && Math.abs(honest.z) < 2, `honest z ${honest.z}`);
  assert.ok(Math.abs(honest.expected! - meter(4, 20)) < 0.5);
  assert.ok(m.judge(1, 4, 20, meter(4, 20) * 1.8).z > 8);
});

test('warm-up: no judgement before minTrips; flat rate codes are judged against their usual fare', () => {
  const m = new MeterFareModel({ minTrips: 100 });
  assert.equal(m.judge(1, 2, 10, 50).warm, false);
  for (let i = 0; i < 40; i++) m.learn(2, 17, 45, 70, false);
  const flat = m.judge(2, 18, 50, 70);
  assert.ok(flat.warm && Math.abs(flat.expected! - 70) < 0.5 && Math.abs(flat.z) < 1);
  assert.ok(m.judge(2, 18, 50, 140).z > 8);
});

test('state round trip (JSON) continues identically', () => {
  const a = new MeterFareModel();
  for (let i = 0; i < 800; i++) a.learn(1, ...trip(i), meter(...trip(i)), false);
  const b = new MeterFareModel();
  b.restoreState(JSON.parse(JSON.stringify(a.captureState())));
  for (let i = 800; i < 1200; i++) {
    const [mi, min] = trip(i);
    assert.deepEqual(b.judge(1, mi, min, meter(mi, min) + 1), a.judge(1, mi, min, meter(mi, min) + 1));
    a.learn(1, mi, min, meter(mi, min), false);
    b.learn(1, mi, min, meter(mi, min), false);
  }
});
