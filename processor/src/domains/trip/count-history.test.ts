import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CountHistory } from './count-history.ts';
import { TRIP_CELL_FEATURES, type TripCellFeatureRow } from './trip-cell-features.ts';

const HOP = 300_000;
const row = (cell: string, end: number, p15: number, ring15: number, resolution = 9): TripCellFeatureRow => {
  const values = new Float64Array(TRIP_CELL_FEATURES.length);
  values[TRIP_CELL_FEATURES.indexOf('pickups_15m')] = p15;
  values[TRIP_CELL_FEATURES.indexOf('ring_pickups_15m')] = ring15;
  return { resolution, cell, windowEnd: end, values };
};

test('remembers scored boundaries; a cell without a row had 0; an unscored boundary is unknown', () => {
  const h = new CountHistory(HOP);
  const t = 1_000 * HOP;
  h.record(t, 100, [row('a', t, 5, 9), row('b', t, 2, 4, 8)], [9]);
  h.record(t + HOP, 90, [row('a', t + HOP, 6, 10)], [9]);
  assert.equal(h.city(t), 100);
  assert.equal(h.city(t - HOP), null, 'never scored');
  assert.equal(h.count('a', t, false), 5);
  assert.equal(h.count('a', t, true), 9);
  assert.equal(h.count('b', t, true), 0, 'ring counts only at ring resolutions');
  assert.equal(h.count('b', t + HOP, false), 0, 'no row: no pickups');
  // Two hours back still answers; a slot reused two hours later no longer answers for the old boundary.
  h.record(t + 23 * HOP, 70, [row('a', t + 23 * HOP, 3, 3)], [9]);
  assert.equal(h.city(t), 100);
  assert.equal(h.count('a', t, false), 5);
  h.record(t + 24 * HOP, 80, [row('a', t + 12 * HOP, 1, 1)], [9]);
  assert.equal(h.city(t), null);
  assert.equal(h.count('a', t, false), 0);
});

test('state round trip (JSON)', () => {
  const h = new CountHistory(HOP);
  for (let i = 0; i < 40; i++) h.record(i * HOP, 50 + i, [row('a', i * HOP, i, 2 * i), row('c', i * HOP, 1, 1)], [9]);
  const g = new CountHistory(HOP);
  g.restoreState(JSON.parse(JSON.stringify(h.captureState())));
  for (let i = 16; i < 40; i++) {
    assert.equal(g.city(i * HOP), h.city(i * HOP));
    assert.equal(g.count('a', i * HOP, true), h.count('a', i * HOP, true));
  }
});
