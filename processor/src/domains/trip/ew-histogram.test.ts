import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EwHistogram } from './ew-histogram.ts';

test('quantiles of a uniform grid of values; robust sd of a known spread', () => {
  const h = new EwHistogram(0, 10, 1000, 1e-6);
  for (let i = 0; i < 10_000; i++) h.add((i + 0.5) / 1000);
  assert.ok(Math.abs(h.quantile(0.5) - 5) < 0.02, String(h.quantile(0.5)));
  assert.ok(Math.abs(h.quantile(0.25) - 2.5) < 0.02);
  const { median, sd } = h.centre();
  assert.ok(Math.abs(median - 5) < 0.02);
  assert.ok(Math.abs(sd - 5 / 1.349) < 0.02);
  assert.ok(Number.isNaN(new EwHistogram(0, 1, 10, 0.1).quantile(0.5)));
});

test('the median follows a level change at the pace of its memory, and ignores a few outliers', () => {
  const h = new EwHistogram(-10, 10, 2000, 1 / 100);
  for (let i = 0; i < 1000; i++) h.add(i % 2 ? 0.1 : -0.1);
  for (let i = 0; i < 20; i++) h.add(9);
  assert.ok(Math.abs(h.quantile(0.5)) < 0.15, 'outliers barely move the median');
  for (let i = 0; i < 300; i++) h.add(3);
  assert.ok(Math.abs(h.quantile(0.5) - 3) < 0.05, 'after 3 memories the new level dominates');
});

test('state round trip continues identically', () => {
  const a = new EwHistogram(-1, 1, 100, 0.01);
  for (let i = 0; i < 500; i++) a.add(Math.sin(i));
  const b = new EwHistogram(-1, 1, 100, 0.01);
  b.restoreState(JSON.parse(JSON.stringify(a.captureState())));
  for (let i = 0; i < 200; i++) {
    a.add(Math.cos(i));
    b.add(Math.cos(i));
    assert.equal(a.quantile(0.3), b.quantile(0.3));
  }
  assert.throws(() => new EwHistogram(-2, 1, 100, 0.01).restoreState(a.captureState()), RangeError);
});
