import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logChiSquareTail, logTwoSidedNormalTail, zFromLogTail } from './tail.ts';

test('zFromLogTail inverts the two-sided normal tail', () => {
  for (const z of [0.2, 1, 1.96, 3, 5, 8, 15, 40]) {
    assert.ok(Math.abs(zFromLogTail(logTwoSidedNormalTail(z)) - z) < 1e-6, `z=${z}`);
  }
  assert.ok(Math.abs(Math.exp(logTwoSidedNormalTail(1.959964)) - 0.05) < 1e-6);
  assert.equal(zFromLogTail(0), 0);
  assert.equal(zFromLogTail(1), 0);
  assert.ok(Number.isFinite(zFromLogTail(-Infinity)));
});

test('zFromLogTail is monotone', () => {
  let prev = -1;
  for (let lnP = -0.001; lnP > -500; lnP *= 1.1) {
    const z = zFromLogTail(lnP);
    assert.ok(z > prev);
    prev = z;
  }
});

test('chi-square tail matches textbook 5 % quantiles for 1–6 degrees of freedom', () => {
  const q95 = [3.841, 5.991, 7.815, 9.488, 11.07, 12.592];
  q95.forEach((q, i) => assert.ok(Math.abs(Math.exp(logChiSquareTail(q, i + 1)) - 0.05) < 2e-4, `dof=${i + 1}`));
  // With one degree of freedom the equivalent |z| is √q.
  assert.ok(Math.abs(zFromLogTail(logChiSquareTail(25, 1)) - 5) < 1e-5);
  assert.equal(logChiSquareTail(0, 3), 0);
  assert.ok(Number.isFinite(logChiSquareTail(1e7, 5)));
});

test('the same distance is less surprising with more degrees of freedom', () => {
  const z = [1, 2, 3, 4, 5].map((dof) => zFromLogTail(logChiSquareTail(40, dof)));
  for (let i = 1; i < z.length; i++) assert.ok(z[i]! < z[i - 1]!);
});
