import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRatio, countZ, SeasonalBaseline } from './seasonal-baseline.ts';

const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-5, `${msg ?? ''} ${a} ≠ ${b}`);

test('first updates of a slot average exactly (mean and population variance)', () => {
  const b = new SeasonalBaseline({ quantities: 2, alphaMin: 0.01 });
  assert.equal(b.count('c', 5), 0);
  assert.equal(b.mean('c', 5, 0), 0);
  b.update('c', 5, [2, 10]);
  b.update('c', 5, [4, 10]);
  close(b.mean('c', 5, 0), 3);
  close(b.variance('c', 5, 0), 1);
  b.update('c', 5, [6, 10]);
  close(b.mean('c', 5, 0), 4);
  close(b.variance('c', 5, 0), 8 / 3);
  close(b.mean('c', 5, 1), 10);
  close(b.variance('c', 5, 1), 0);
  assert.equal(b.count('c', 5), 3);
  // Other slots and keys are untouched.
  assert.equal(b.count('c', 6), 0);
  assert.equal(b.count('d', 5), 0);
});

test('after warm-up the weight stays at alphaMin', () => {
  const b = new SeasonalBaseline({ quantities: 1, alphaMin: 0.5 });
  b.update('c', 0, [2]);
  b.update('c', 0, [4]); // alpha 1/2 = alphaMin
  b.update('c', 0, [6]); // alpha max(1/3, 1/2) = 1/2: mean 4.5, var ½(1 + ½·9) = 2.75
  close(b.mean('c', 0, 0), 4.5);
  close(b.variance('c', 0, 0), 2.75);
});

test('ratio and z against a baseline', () => {
  assert.equal(countRatio(9, 4), 2);
  assert.equal(countRatio(0, 0), 1);
  assert.equal(countZ(10, 4, 1, 3), 3); // sd floored at √mean = 2
  assert.equal(countZ(10, 4, 9, 3), 2); // sd = √9
  assert.equal(countZ(1, 0, 0, 3), 1); // sd floored at 1
  assert.equal(countZ(50, 4, 1, 0), 0); // no history: neutral
});
